/**
 * npm run bench [-- --systems 1,2,3,4,5 --users 32 --duration 20 --warmup 5 --api native|seed]
 * npm run bench -- --soak | --faults | --profile        npm run bench:smoke
 * --ref <commit> builds the product at that commit instead of HEAD (before/after comparisons).
 *
 * Measures send → verify cycles against five systems, one after another, with a fake mShastra
 * gateway on 127.0.0.1, then checks each database against what the driver was told:
 *   1 product on embedded PGlite        2 product on PostgreSQL       3 two product instances on PostgreSQL
 *   2l product full login (send → verify "session": true → session cookie) on PostgreSQL
 *   4 raw floor (node:http + pg)        5a Next.js floor through pg   5b Next.js floor through Prisma
 *   5c floor 5b on a minimal one-index table                          6 Better Auth's phoneNumber plugin
 * Writes bench/results/<UTC time>.json and prints a markdown table. See bench/README.md.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { API_STYLES, BETTER_AUTH_API, floorApi, PRODUCT_LOGIN, runLoad, type ApiStyle, type LoadRun } from "./driver";
import { floorNextBuild, productBuild, ROOT } from "./lib/build";
import { addMinimalTable, checkBetterAuth, checkDatabase, dropPostgres, freshBetterAuthPostgres, freshPostgres, MINIMAL_SCHEMA, openQuery, rowsWritten } from "./lib/db";
import { startPgCountProxy } from "./lib/pg-proxy";
import { runFaults } from "./lib/faults";
import { freePort, measure } from "./lib/measure";
import { installCleanup } from "./lib/procs";
import { runProfile } from "./lib/profile";
import { SECRETS, startBetterAuth, startGateway, startNextFloor, startProduct, startRawFloor, type Gateway, type Server } from "./lib/servers";
import { runSoak } from "./lib/soak";
import { machineLine, updateLatest } from "./lib/latest";
import { formatTable, stamp, type SystemResult } from "./lib/report";

const { values: args } = parseArgs({
  options: {
    systems: { type: "string", default: "1,2,2l,3,4,5,6" },
    users: { type: "string", default: "32" },
    duration: { type: "string" },
    warmup: { type: "string", default: "5" },
    api: { type: "string", default: "native" },
    soak: { type: "boolean", default: false },
    faults: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    smoke: { type: "boolean", default: false },
    rate: { type: "string" },
    ref: { type: "string" },
    rebuild: { type: "boolean", default: false },
    "keep-db": { type: "boolean", default: false },
    "no-count": { type: "boolean", default: false },
  },
});

const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL?.trim() || "postgresql://postgres@127.0.0.1:5432/otp_bench";
/** What the servers connect to, when not BENCH_DATABASE_URL itself (e.g. a PgBouncer in front of it). */
const SERVER_DATABASE_URL = process.env.BENCH_SERVER_DATABASE_URL?.trim() || BENCH_DATABASE_URL;
const RUN_ID = stamp();
const LOG_DIR = path.join(ROOT, "data", "bench", "logs", RUN_ID);
const RESULTS_DIR = path.join(ROOT, "bench", "results");
/** The build sees the production configuration the servers run with (prerendering reads env()). */
const BUILD_ENV = { ...SECRETS, SMS_PROVIDER: "mshastra", MSHASTRA_USER: "bench-user", MSHASTRA_PASSWORD: "bench-password", MSHASTRA_SENDER: "PhoneOTP" };
const log = (s: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

type SystemId = "1" | "2" | "2l" | "3" | "4" | "5a" | "5b" | "5c" | "6";
const SYSTEM_NAMES: Record<SystemId, string> = {
  "1": "1 product · PGlite",
  "2": "2 product · PostgreSQL",
  "2l": "2L product full login · PostgreSQL",
  "3": "3 product ×2 · PostgreSQL",
  "4": "4 raw floor · http+pg",
  "5a": "5a Next floor · pg",
  "5b": "5b Next floor · Prisma",
  "5c": "5c Next floor · Prisma · minimal table",
  "6": "6 Better Auth · phoneNumber",
};
const ALL_SYSTEMS = Object.keys(SYSTEM_NAMES).length;

function parseSystems(list: string): SystemId[] {
  const out: SystemId[] = [];
  for (const s of list.split(",").map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    if (s === "5") out.push("5a", "5b", "5c");
    else if (s in SYSTEM_NAMES) out.push(s as SystemId);
    else throw new Error(`--systems: unknown system '${s}' (use 1,2,2l,3,4,5,5a,5b,5c,6)`);
  }
  return [...new Set(out)];
}

type Ctx = { gateway: Gateway; productDir?: string; floorDir?: string; api: ApiStyle; users: number; warmupMs: number; durationMs: number; countStatements: boolean };

/** Starts system `id` against databaseUrl: its servers and the API the driver speaks to it. */
async function startSystem(id: SystemId, ctx: Ctx, databaseUrl: string, suffix = ""): Promise<{ servers: Server[]; api: ApiStyle }> {
  const servers: Server[] = [];
  const common = { gatewayUrl: ctx.gateway.url, logDir: LOG_DIR, databaseUrl };
  try {
    if (id === "1" || id === "2" || id === "2l" || id === "3") {
      for (let i = 0; i < (id === "3" ? 2 : 1); i++) {
        servers.push(await startProduct({ ...common, buildDir: ctx.productDir!, port: await freePort(), name: `sys${id}-product-${"AB"[i]}${suffix}` }));
      }
      return { servers, api: id === "2l" ? PRODUCT_LOGIN : ctx.api };
    }
    if (id === "4") {
      servers.push(await startRawFloor({ ...common, port: await freePort(), name: `sys4-raw-floor${suffix}` }));
      return { servers, api: floorApi("floor-raw", "") };
    }
    if (id === "6") {
      servers.push(await startBetterAuth({ ...common, port: await freePort(), name: `sys6-better-auth${suffix}` }));
      return { servers, api: BETTER_AUTH_API };
    }
    const variant = id === "5a" ? "pg" : "prisma";
    const schema = id === "5c" ? MINIMAL_SCHEMA : undefined;
    servers.push(await startNextFloor({ ...common, schema, buildDir: ctx.floorDir!, port: await freePort(), name: `sys${id}-next-floor-${variant}${suffix}` }));
    return { servers, api: floorApi(`floor-next-${variant}${schema ? "-minimal" : ""}`, `/api/${variant}`) };
  } catch (error) {
    for (const s of servers) await s.proc.stop();
    throw error;
  }
}

/**
 * Statements per cycle, counted at the wire: the system started again (same database) with its
 * database URL through lib/pg-proxy.ts, 8 users for 3 s, statements (Query, or Sync after
 * Parse/Bind/Execute: round trips, BEGIN/COMMIT included) ÷ completed cycles. Kept apart from the
 * measured window so the proxy costs the measured run nothing.
 */
async function countStatements(id: SystemId, ctx: Ctx): Promise<{ perCycle: number; cycles: number } | undefined> {
  const upstream = new URL(BENCH_DATABASE_URL);
  const proxy = await startPgCountProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
  const proxied = new URL(BENCH_DATABASE_URL);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  try {
    const { servers, api } = await startSystem(id, ctx, proxied.toString(), "-count");
    try {
      proxy.reset();
      const run = await runLoad({ targets: servers.map((s) => s.url), api, gatewayUrl: ctx.gateway.url, users: 8, durationMs: 3_000 });
      const statements = proxy.statements.length;
      const cycles = run.requests.filter((r) => r.completes && r.status === 200).length;
      return cycles ? { perCycle: Math.round((statements / cycles) * 100) / 100, cycles } : undefined;
    } finally {
      for (const s of servers) await s.proc.stop();
    }
  } finally {
    await proxy.close();
  }
}

async function runSystem(id: SystemId, ctx: Ctx): Promise<SystemResult> {
  const isProduct = id === "1" || id === "2" || id === "2l" || id === "3";
  const postgres = id !== "1";
  const pgliteDir = path.join(ROOT, "data", "bench", `pglite-${RUN_ID}`);
  log(`${SYSTEM_NAMES[id]}: preparing the database`);
  if (id === "6") log(`  better-auth migration created: ${(await freshBetterAuthPostgres(BENCH_DATABASE_URL)).join(", ")}`);
  else if (postgres) await freshPostgres(BENCH_DATABASE_URL);
  else rmSync(pgliteDir, { recursive: true, force: true });
  if (id === "5c") await addMinimalTable(BENCH_DATABASE_URL);
  const databaseUrl = postgres ? SERVER_DATABASE_URL : pgliteDir;
  let servers: Server[] = [];
  try {
    const started = await startSystem(id, ctx, databaseUrl);
    servers = started.servers;
    const api = started.api;
    log(`${SYSTEM_NAMES[id]}: ready (${servers.map((s) => `${s.url} in ${(s.bootMs / 1000).toFixed(1)} s`).join(", ")}); ${ctx.users} users, ${ctx.warmupMs / 1000} s warm-up + ${ctx.durationMs / 1000} s`);
    await ctx.gateway.setMode("ok");
    const load1 = os.loadavg()[0];
    const { m, run } = await measure({
      targets: servers.map((s) => s.url),
      api,
      gatewayUrl: ctx.gateway.url,
      serverPids: () => servers.map((s) => s.proc.pid),
      gatewayPid: ctx.gateway.proc.pid,
      users: ctx.users,
      warmupMs: ctx.warmupMs,
      durationMs: ctx.durationMs,
      postgres,
    });
    m.load1 = Math.round(load1 * 100) / 100;
    for (const s of servers) await s.proc.stop();
    servers = [];
    const target = postgres ? { kind: "postgres" as const, url: BENCH_DATABASE_URL, schema: id === "5c" ? MINIMAL_SCHEMA : undefined } : { kind: "pglite" as const, dir: pgliteDir };
    const { check, written } = await dbCheck(target, run, id === "6" ? "better-auth" : isProduct ? "product" : "floor");
    let statements: Awaited<ReturnType<typeof countStatements>>;
    if (postgres && ctx.countStatements) statements = await countStatements(id, ctx).catch((e: unknown) => (log(`  statement count failed: ${(e as Error).message}`), undefined));
    const login = m.loginPaths ? `; login via ${Object.entries(m.loginPaths).map(([k, v]) => `${k} ${v}`).join(", ")}, sessions checked ${m.sessionChecks?.ok}/${m.sessionChecks?.made}` : "";
    log(
      `${SYSTEM_NAMES[id]}: ${m.cyclesPerSec} cycles/s, CPU ${m.cpuMsPerCycle} ms/cycle (PostgreSQL ${m.pgCpuMsPerCycle ?? "–"}), send p99 ${m.send.p99} ms, verify p99 ${m.verify.p99} ms, errors ${m.errorCount}${login}; DB check ${check.ok ? "clean" : "FAILED"} (${check.rows} rows)`,
    );
    for (const p of check.problems) log(`  DB check: ${p}`);
    const perVerified = (n: number) => (check.verified200 ? Math.round((n / check.verified200) * 100) / 100 : NaN);
    const rowsPerCycle = written ? perVerified(written.inserts + written.updates + written.deletes) : undefined;
    if (written) log(`  rows written per cycle ${rowsPerCycle}: ${written.tables.map((t) => `${t.table} ${perVerified(t.inserts)} ins + ${perVerified(t.updates)} upd (${t.hotUpdates} HOT) + ${perVerified(t.deletes)} del × ${t.indexes} indexes`).join("; ")}`);
    if (statements) log(`  statements per cycle ${statements.perCycle} (${statements.cycles} cycles through the counting proxy)`);
    return {
      id,
      name: SYSTEM_NAMES[id],
      api: api.name,
      instances: id === "3" ? 2 : 1,
      ...m,
      rowsWrittenPerCycle: rowsPerCycle,
      writes: written?.tables.map((t) => ({ ...t, perCycle: perVerified(t.inserts + t.updates + t.deletes) })),
      statementsPerCycle: statements?.perCycle,
      dbCheck: check,
    };
  } finally {
    for (const s of servers) await s.proc.stop();
    if (!postgres) rmSync(pgliteDir, { recursive: true, force: true });
  }
}

async function dbCheck(target: { kind: "postgres"; url: string; schema?: string } | { kind: "pglite"; dir: string }, run: LoadRun, kind: "product" | "floor" | "better-auth") {
  const q = await openQuery(target);
  try {
    // pg_stat counters reach pg_stat_user_tables when a backend ends or within a second after.
    await new Promise((r) => setTimeout(r, 1_200));
    const check = kind === "better-auth" ? await checkBetterAuth(q, run.cycles) : await checkDatabase(q, run.cycles, { product: kind === "product" });
    const written = target.kind === "postgres" ? await rowsWritten(q) : undefined;
    return { check, written };
  } finally {
    await q.close();
  }
}

async function main() {
  installCleanup();
  mkdirSync(LOG_DIR, { recursive: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  const api = API_STYLES[args.api as keyof typeof API_STYLES];
  if (!api) throw new Error("--api must be native or seed");
  const users = Number(args.users);
  const warmupMs = Number(args.warmup) * 1000;

  if (args.soak || args.faults || args.profile) {
    const product = productBuild({ rebuild: args.rebuild, log, env: BUILD_ENV, ref: args.ref });
    const gateway = await startGateway(LOG_DIR);
    const shared = { ref: args.ref, productDir: product.dir, gateway, databaseUrl: BENCH_DATABASE_URL, logDir: LOG_DIR, runId: RUN_ID, resultsDir: RESULTS_DIR, api, log, users };
    let ok = true;
    try {
      if (args.profile) ok = (await runProfile({ ...shared, floorDir: floorNextBuild({ rebuild: args.rebuild, log }).dir, durationMs: Number(args.duration ?? 15) * 1000, warmupMs })) && ok;
      if (args.soak) ok = (await runSoak({ ...shared, durationMs: Number(args.duration ?? 300) * 1000, rate: args.rate ? Number(args.rate) : undefined })) && ok;
      if (args.faults) ok = (await runFaults({ ...shared, rate: args.rate ? Number(args.rate) : 40 })) && ok;
    } finally {
      await gateway.proc.stop();
      if (!args["keep-db"]) await dropPostgres(BENCH_DATABASE_URL).catch(() => {});
    }
    process.exit(ok ? 0 : 1);
  }

  const smoke = args.smoke;
  const systems = smoke ? (["1"] as SystemId[]) : parseSystems(args.systems);
  const durationMs = Number(args.duration ?? (smoke ? 4 : 20)) * 1000;
  const ctx = { api, users: smoke ? 8 : users, warmupMs: smoke ? 1_000 : warmupMs, durationMs, countStatements: !smoke && !args["no-count"] };
  const needsProduct = systems.some((s) => ["1", "2", "2l", "3"].includes(s));
  const productDir = needsProduct ? productBuild({ rebuild: args.rebuild, log, env: BUILD_ENV, ref: args.ref }) : undefined;
  const floorDir = systems.some((s) => s.startsWith("5")) ? floorNextBuild({ rebuild: args.rebuild, log }) : undefined;
  const gateway = await startGateway(LOG_DIR);
  const results: SystemResult[] = [];
  const startedAt = new Date().toISOString();
  const load1 = os.loadavg()[0];
  try {
    for (const id of systems) results.push(await runSystem(id, { ...ctx, gateway, productDir: productDir?.dir, floorDir: floorDir?.dir }));
  } finally {
    await gateway.proc.stop();
    if (systems.some((s) => s !== "1") && !args["keep-db"]) await dropPostgres(BENCH_DATABASE_URL).catch(() => {});
  }
  const report = {
    kind: smoke ? "smoke" : "bench",
    startedAt,
    finishedAt: new Date().toISOString(),
    commit: productDir?.commit,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavgAtEnd: os.loadavg() },
    options: { systems, users: ctx.users, warmupMs: ctx.warmupMs, durationMs, api: api.name },
    systems: results,
  };
  const file = path.join(RESULTS_DIR, `${RUN_ID}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const table = formatTable(results);
  console.log(table.markdown);
  for (const line of table.targets) console.log(line);
  console.log(`\nresults: ${path.relative(ROOT, file)} · server logs: ${path.relative(ROOT, LOG_DIR)}`);
  // Only complete runs (every system, default settings) replace the committed table.
  if (!smoke && systems.length === ALL_SYSTEMS && !args.ref) {
    const meta = machineLine({ cpus: report.machine.cpus, model: report.machine.model, node: process.version, load1, commit: productDir?.commit, when: startedAt });
    const dbLine = results.map((r) => `${r.id}: ${r.dbCheck.ok ? "clean" : "FAILED"} (${r.dbCheck.rows} rows)`).join(", ");
    updateLatest(RESULTS_DIR, "table", [`## All systems (${api.name} API, ${ctx.users} users, ${ctx.warmupMs / 1000} s warm-up + ${durationMs / 1000} s)`, "", meta, "", table.markdown, ...table.targets, "", `DB check: ${dbLine}`].join("\n"));
  }
  const failed = results.filter((r) => !r.dbCheck.ok);
  if (failed.length) {
    console.error(`DB check failed for: ${failed.map((r) => r.name).join(", ")}`);
    process.exit(1);
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`[bench] ${(error as Error)?.stack ?? error}`);
  process.exit(1);
});
