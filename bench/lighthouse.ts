/**
 * npm run bench:lighthouse [-- --runs 3 --pages /login,/ --rebuild --ref <commit>]
 *
 * Lighthouse's mobile preset (its default configuration: a phone screen, simulated slow 4G and a
 * 4× slower CPU) against the production build of the committed code (`next start`, the same build
 * `npm run bench` uses), in Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) launched
 * by chrome-launcher. Prints performance, accessibility and best practices for each run and the
 * median, plus the median Web Vitals, and writes bench/results/lighthouse-<UTC time>.json.
 * --ref <commit> audits another commit's build instead (before/after comparisons).
 * A benchmark, not a test: it prints figures and never fails on them.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { productBuild, ROOT } from "./lib/build";
import { machineLine, updateLatest } from "./lib/latest";
import { freePort } from "./lib/measure";
import { installCleanup } from "./lib/procs";
import { stamp } from "./lib/report";
import { SECRETS, startProduct } from "./lib/servers";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    pages: { type: "string", default: "/login,/" },
    rebuild: { type: "boolean", default: false },
    ref: { type: "string" },
  },
});

const CATEGORIES = ["performance", "accessibility", "best-practices"] as const;
const TARGETS: Record<(typeof CATEGORIES)[number], number> = { performance: 95, accessibility: 100, "best-practices": 95 };
const METRICS = { "first-contentful-paint": "FCP ms", "largest-contentful-paint": "LCP ms", "total-blocking-time": "TBT ms", "cumulative-layout-shift": "CLS" } as const;
const CHROMIUM = process.env.CHROMIUM_PATH?.trim() || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const RUN_ID = stamp();
const LOG_DIR = path.join(ROOT, "data", "bench", "logs", `lighthouse-${RUN_ID}`);
const RESULTS_DIR = path.join(ROOT, "bench", "results");
/** Built and run with a production configuration; no page load sends an SMS, so the gateway is never called. */
const SMS_ENV = { SMS_PROVIDER: "mshastra", MSHASTRA_USER: "bench-user", MSHASTRA_PASSWORD: "bench-password", MSHASTRA_SENDER: "PhoneOTP" };
const log = (s: string) => console.error(`[lighthouse ${new Date().toISOString().slice(11, 19)}] ${s}`);

type Run = { scores: Record<string, number>; metrics: Record<string, number>; belowFull: [string, number][] };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function audit(url: string): Promise<Run> {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: [...CATEGORIES] });
    if (!result) throw new Error(`lighthouse returned nothing for ${url}`);
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
    const metrics = Object.fromEntries(Object.keys(METRICS).map((id) => [id, lhr.audits[id]?.numericValue ?? NaN]));
    // Scored audits that did not pass, so a lost point says where it went.
    const belowFull = CATEGORIES.flatMap((c) =>
      (lhr.categories[c]?.auditRefs ?? [])
        .filter((ref) => ref.weight > 0 && typeof lhr.audits[ref.id]?.score === "number" && lhr.audits[ref.id].score! < 1)
        .map((ref): [string, number] => [`${c}/${ref.id}`, lhr.audits[ref.id].score!]),
    );
    return { scores, metrics, belowFull };
  } finally {
    chrome.kill();
  }
}

async function main() {
  installCleanup();
  const runs = Math.max(1, Number(args.runs));
  const pages = args.pages.split(",").map((p) => p.trim()).filter(Boolean);
  const load1 = os.loadavg()[0];
  const build = productBuild({ rebuild: args.rebuild, log, env: { ...SECRETS, ...SMS_ENV }, ref: args.ref });
  const dataDir = path.join(ROOT, "data", "bench", "lighthouse");
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  log(`next start on 127.0.0.1:${port} (${path.relative(ROOT, build.dir)}), embedded database in ${path.relative(ROOT, dataDir)}`);
  const server = await startProduct({
    buildDir: build.dir,
    port,
    databaseUrl: path.join(dataDir, "pglite"),
    gatewayUrl: "http://127.0.0.1:9",
    logDir: LOG_DIR,
    name: "product",
    env: { ...SMS_ENV, DATA_DIR: dataDir },
  });
  const results: Record<string, Run[]> = {};
  try {
    for (const page of pages) {
      await (await fetch(`${server.url}${page}`)).arrayBuffer(); // first render compiles nothing, but warms the caches
      results[page] = [];
      for (let i = 0; i < runs; i++) {
        log(`${page}: run ${i + 1}/${runs}`);
        results[page].push(await audit(`${server.url}${page}`));
      }
    }
  } finally {
    await server.proc.stop();
  }

  const lines = [
    `Lighthouse ${runs}× per page, mobile preset, production build · ${machineLine({ cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, load1, commit: build.commit, when: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC" })}`,
    "",
    `| Page | ${CATEGORIES.map((c) => `${c} (runs → median)`).join(" | ")} | ${Object.values(METRICS).join(" | ")} (median) |`,
    `|---|${CATEGORIES.map(() => "--:").join("|")}|${Object.values(METRICS).map(() => "--:").join("|")}|`,
  ];
  const verdicts: string[] = [];
  for (const [page, rs] of Object.entries(results)) {
    const cells = CATEGORIES.map((c) => `${rs.map((r) => r.scores[c]).join(", ")} → **${median(rs.map((r) => r.scores[c]))}**`);
    const metricCells = Object.keys(METRICS).map((id) => {
      const m = median(rs.map((r) => r.metrics[id]));
      return id === "cumulative-layout-shift" ? m.toFixed(3) : String(Math.round(m));
    });
    lines.push(`| ${page} | ${cells.join(" | ")} | ${metricCells.join(" | ")} |`);
    const missed = CATEGORIES.filter((c) => median(rs.map((r) => r.scores[c])) < TARGETS[c]);
    verdicts.push(`${page}: ${missed.length ? `below target in ${missed.join(", ")}` : "meets performance ≥ 95, accessibility 100, best practices ≥ 95"} (medians)`);
    const lost = new Map<string, string[]>();
    for (const r of rs) for (const [id, score] of r.belowFull) lost.set(id, [...(lost.get(id) ?? []), score.toFixed(2)]);
    if (lost.size) verdicts.push(`audits that lost points (their scores in the runs that did): ${[...lost].map(([id, scores]) => `${id} ${scores.join("/")}`).join("; ")}`);
  }
  const markdown = `${lines.join("\n")}\n\n${verdicts.map((v) => `- ${v}`).join("\n")}\n`;
  console.log(`\n${markdown}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `lighthouse-${RUN_ID}.json`);
  writeFileSync(file, `${JSON.stringify({ runId: RUN_ID, commit: build.commit, load1, runs, results }, null, 2)}\n`);
  if (!args.ref) updateLatest(RESULTS_DIR, "lighthouse", `## Lighthouse\n\n${markdown}`);
  log(`wrote ${path.relative(ROOT, file)}${args.ref ? "" : " and bench/results/latest.md"}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
