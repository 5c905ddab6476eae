/**
 * `npm run bench:abuse` — an SMS-pumping simulation against the production build on PostgreSQL with
 * the fake mShastra gateway (docs/abuse.md, "Measured: bench:abuse").
 *
 * Per scenario (a fresh database each, the product's defaults except where printed):
 *  - legitimate users at a steady rate: a random Tanzanian mobile number and a public address each,
 *    send, then verify with the code from the gateway ~80 % of the time (the rest walk away); they
 *    solve a challenge only when the server asks (challenge_required), as the login page does;
 *  - an attacker asking codes for thousands of numbers spread over a few ranges of the allowed
 *    country, never verifying, rotating IPv4 addresses and IPv6 /64s through X-Forwarded-For behind
 *    the trusted proxy (TRUST_PROXY=1: this driver is that proxy), without solving challenges
 *    ("no-solve") or solving every challenge it is given ("solve").
 * Windows are real (no simulated clock): each scenario runs ~BENCH_ABUSE_SECONDS (default 60 s),
 * well inside one budget hour, so "per range per hour" figures are upper bounds of the hour.
 *
 *   npm run bench:abuse [-- --seconds 60 --legit-rate 2 --attack-rate 25 --solving-bots 8 --build-dir .]
 */
import { randomInt } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { productBuild, ROOT } from "./lib/build";
import { freshPostgres, dropPostgres, openQuery } from "./lib/db";
import { freePort } from "./lib/measure";
import { installCleanup } from "./lib/procs";
import { startGateway, startProduct } from "./lib/servers";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: process.env.BENCH_ABUSE_SECONDS ?? "60" },
    "legit-rate": { type: "string", default: "2" },
    "attack-rate": { type: "string", default: "25" },
    "solving-bots": { type: "string", default: "8" },
    scenarios: { type: "string", default: "no-solve,solve" },
    // A directory with an existing production build (e.g. "." after `npm run build`) instead of
    // building the committed HEAD under data/bench/build.
    "build-dir": { type: "string" },
  },
});
const SECONDS = Number(args.seconds);
const LEGIT_RATE = Number(args["legit-rate"]);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/otp_bench_abuse";
const ATTACK_RANGES = ["+25571234", "+25571235", "+25575556", "+25575557"]; // 10,000 numbers each
const SOLVING_BOTS = Number(args["solving-bots"]);
const PREFIX_BUDGET = 30; // the default OTP_MAX_SENDS_PER_PREFIX_PER_HOUR

type Timed = { ok: boolean; ms: number; status: number; code?: string };

async function call(url: string, body: unknown, ip: string): Promise<Timed & { json: unknown }> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
    return { ok: res.ok, ms: performance.now() - started, status: res.status, code: json?.error?.code, json };
  } catch {
    return { ok: false, ms: performance.now() - started, status: 0, code: "network", json: null };
  }
}

/**
 * ALTCHA's proof of work with node:crypto (what a determined bot would run), on worker threads so
 * the driver's event loop (and the legitimate users' timings) are not held up by it.
 */
const SOLVER = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
parentPort.on("message", ({ id, c }) => {
  let found;
  for (let n = 0; n <= (c.maxnumber ?? 1000000); n++) {
    if (createHash("sha256").update(c.salt + n).digest("hex") === c.challenge) { found = n; break; }
  }
  parentPort.postMessage({ id, number: found });
});`;
const solvers = Array.from({ length: 2 }, () => new Worker(SOLVER, { eval: true }));
solvers.forEach((w) => w.unref());
const pendingSolves = new Map<number, (n: number | undefined) => void>();
for (const w of solvers) w.on("message", ({ id, number }: { id: number; number?: number }) => pendingSolves.get(id)?.(number));
let solveId = 0;

async function solveAltcha(c: { challenge: string; salt: string; algorithm: string; maxnumber?: number; signature: string }): Promise<string | undefined> {
  const id = ++solveId;
  const number = await new Promise<number | undefined>((resolve) => {
    pendingSolves.set(id, resolve);
    solvers[id % solvers.length].postMessage({ id, c });
  });
  pendingSolves.delete(id);
  if (number === undefined) return undefined;
  return Buffer.from(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number, salt: c.salt, signature: c.signature })).toString("base64");
}

async function freshChallenge(base: string): Promise<string | undefined> {
  const c = (await (await fetch(`${base}/api/otp/challenge`, { signal: AbortSignal.timeout(15_000) })).json()) as { salt?: string; challenge: string; algorithm: string; maxnumber?: number; signature: string };
  return c.salt ? await solveAltcha(c as Required<typeof c>) : undefined;
}

const publicIpv4 = () => `${randomInt(11, 99)}.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const hex = () => randomInt(0, 65536).toString(16);
const ipv6In64 = (p: string) => `${p}:${hex()}:${hex()}:${hex()}:${hex()}`;
const fresh64 = () => `2001:db8:${hex()}:${hex()}`;

function p(values: number[], q: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]);
}

async function legitUser(base: string, gateway: string, stats: { attempts: number; ok: number; sendMs: number[]; verifyMs: number[]; failures: Record<string, number> }) {
  stats.attempts += 1;
  const phone = `+2557${[4, 5, 6, 8][randomInt(0, 4)]}${String(randomInt(0, 10_000_000)).padStart(7, "0")}`;
  const ip = randomInt(0, 5) === 0 ? ipv6In64(fresh64()) : publicIpv4();
  let sent = await call(`${base}/api/otp/send`, { phone, purpose: "Login" }, ip);
  if (sent.code === "challenge_required") sent = await call(`${base}/api/otp/send`, { phone, purpose: "Login", challenge: await freshChallenge(base) }, ip);
  stats.sendMs.push(sent.ms);
  if (!sent.ok) {
    // A range block refuses every number of the range: a legitimate number the attacker's ranges
    // happen to contain is the block's collateral, not a false positive of the guard.
    const collateral = ATTACK_RANGES.some((range) => phone.startsWith(range)) ? " (number inside an attacked range)" : "";
    const key = `${sent.code ?? String(sent.status)}${collateral}`;
    stats.failures[key] = (stats.failures[key] ?? 0) + 1;
    return;
  }
  if (Math.random() >= 0.8) {
    stats.ok += 1; // walked away: the send was what they asked for
    return;
  }
  await new Promise((r) => setTimeout(r, randomInt(500, 3_000))); // reading the SMS
  const { code } = (await (await fetch(`${gateway}/last-code?number=${phone.slice(1)}`)).json()) as { code: string };
  const verified = await call(`${base}/api/otp/verify`, { phone, code, purpose: "Login" }, ip);
  stats.verifyMs.push(verified.ms);
  if (verified.ok) stats.ok += 1;
  else stats.failures[`verify:${verified.code}`] = (stats.failures[`verify:${verified.code}`] ?? 0) + 1;
}

type AttackStats = { attempts: number; byRange: Map<string, { attempts: number; first: number }>; refusals: Record<string, number>; solved: number };

async function attack(base: string, solve: boolean, stats: AttackStats) {
  const range = ATTACK_RANGES[randomInt(0, ATTACK_RANGES.length)];
  const phone = `${range}${String(randomInt(0, 10_000)).padStart(4, "0")}`;
  const r = stats.byRange.get(range) ?? { attempts: 0, first: Date.now() };
  r.attempts += 1;
  stats.byRange.set(range, r);
  stats.attempts += 1;
  // A new address almost every time: IPv4s, and IPv6 addresses from ever new /64s.
  const ip = randomInt(0, 2) ? publicIpv4() : ipv6In64(fresh64());
  let res = await call(`${base}/api/otp/send`, { phone, purpose: "Login" }, ip);
  if (res.code === "challenge_required" && solve) {
    const challenge = await freshChallenge(base);
    stats.solved += 1;
    res = await call(`${base}/api/otp/send`, { phone, purpose: "Login", challenge }, ip);
  }
  const key = res.ok ? "sent" : (res.code ?? `HTTP ${res.status}`);
  stats.refusals[key] = (stats.refusals[key] ?? 0) + 1;
}

/** Fires `task` at `perSecond` for `seconds`, open loop (arrivals do not wait for answers). */
async function steady(perSecond: number, seconds: number, task: () => Promise<void>) {
  const inFlight: Promise<void>[] = [];
  const started = Date.now();
  let n = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = started + (n * 1000) / perSecond;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    inFlight.push(task().catch(() => {}));
    n += 1;
  }
  await Promise.all(inFlight);
}

/** `count` bots, each running `task` back to back until `seconds` have passed. */
async function bots(count: number, seconds: number, task: () => Promise<void>) {
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (Date.now() < until) await task().catch(() => {});
    }),
  );
}

async function scenario(name: "no-solve" | "solve", build: string, gatewayUrl: string, logDir: string) {
  await freshPostgres(DATABASE_URL);
  const port = await freePort();
  const server = await startProduct({
    buildDir: build,
    port,
    databaseUrl: DATABASE_URL,
    gatewayUrl,
    logDir,
    name: `product-${name}`,
    // Empty = unset: the product's production defaults (productEnv switches them off for throughput runs).
    env: {
      PHONE_ALLOWED_COUNTRIES: "TZ",
      LOG_LEVEL: "error",
      OTP_MAX_SENDS_PER_HOUR: "",
      OTP_MAX_SENDS_PER_COUNTRY_PER_HOUR: "",
      OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "",
      OTP_FRAUD_GUARD: "",
      OTP_CHALLENGE: "",
    },
  });
  const legit = { attempts: 0, ok: 0, sendMs: [] as number[], verifyMs: [] as number[], failures: {} as Record<string, number> };
  const attacker: AttackStats = { attempts: 0, byRange: new Map(), refusals: {}, solved: 0 };
  const attackRate = Number(args["attack-rate"]);
  const started = Date.now();
  await Promise.all([
    steady(LEGIT_RATE, SECONDS, () => legitUser(server.url, gatewayUrl, legit)),
    name === "solve"
      ? // Solving costs the attacker CPU: bots in a closed loop, each attempt after the last one's answer.
        bots(SOLVING_BOTS, SECONDS, () => attack(server.url, true, attacker))
      : steady(attackRate, SECONDS, () =>
          attack(server.url, false, attacker).catch(() => {
            attacker.refusals.network = (attacker.refusals.network ?? 0) + 1;
          }),
        ),
  ]);
  const wall = (Date.now() - started) / 1000;
  await server.proc.stop();

  const db = await openQuery({ kind: "postgres", url: DATABASE_URL });
  const delivered = await db.query<{ range: string; n: number }>(
    `SELECT left(phone, length(phone) - 4) AS range, count(*)::int AS n FROM "Verification"
      WHERE "smsStatus" IN ('sent', 'delivered') AND left(phone, length(phone) - 4) = ANY($1) GROUP BY 1`,
    [ATTACK_RANGES],
  );
  const blocks = await db.query<{ scope: string; key: string; reason: string; mode: string; sends: number; verified: number; rate: number; baseline: number; windowSeconds: number; startsAt: Date; endsAt: Date }>(
    `SELECT scope, key, reason, mode, sends, verified, rate, baseline, "windowSeconds", "startsAt", "endsAt" FROM "OtpBlock" ORDER BY "startsAt"`,
  );
  await db.close();
  const totalDelivered = delivered.reduce((n, r) => n + r.n, 0);
  const maxPerRange = Math.max(0, ...delivered.map((r) => r.n));

  const lines = [
    `### Scenario \`${name}\` (${Math.round(wall)} s, attacker ${name === "solve" ? `${SOLVING_BOTS} bots in a closed loop, solving every challenge (${(attacker.attempts / wall).toFixed(1)} attempts/s)` : `${attackRate}/s, never solving`}, legitimate ${LEGIT_RATE}/s)`,
    "",
    `- Attacker: ${attacker.attempts} attempts over ${ATTACK_RANGES.length} ranges; **SMS delivered ${totalDelivered} (${((100 * totalDelivered) / Math.max(1, attacker.attempts)).toFixed(1)} % of attempts)**; most in one range ${maxPerRange} (target ≤ ${3 * PREFIX_BUDGET} per range per hour)${name === "solve" ? `; challenges solved ${attacker.solved}` : ""}`,
    `- Attacker answers: ${Object.entries(attacker.refusals).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `- Legitimate users: ${legit.attempts}, **success ${((100 * legit.ok) / Math.max(1, legit.attempts)).toFixed(1)} %**${Object.keys(legit.failures).length ? ` (failures: ${Object.entries(legit.failures).map(([k, v]) => `${k} ${v}`).join(", ")})` : ""}; send p50 ${p(legit.sendMs, 0.5)} ms, p99 ${p(legit.sendMs, 0.99)} ms; verify p50 ${p(legit.verifyMs, 0.5)} ms, p99 ${p(legit.verifyMs, 0.99)} ms`,
    "",
    "| block | started after the range's first attempt | reason (sends, verified, rate, baseline, window) | mode | ends |",
    "| --- | --- | --- | --- | --- |",
    ...blocks.map((b) => {
      const first = attacker.byRange.get(b.key)?.first;
      const after = first ? `${((new Date(`${b.startsAt.toISOString?.() ?? b.startsAt}`).getTime() - first) / 1000).toFixed(1)} s` : "—";
      return `| ${b.scope} ${b.key} | ${after} | ${b.reason}: ${b.sends} sends, ${b.verified} verified, rate ${b.rate}, baseline ${b.baseline}, window ${b.windowSeconds} s | ${b.mode} | +${Math.round((b.endsAt.getTime() - b.startsAt.getTime()) / 60_000)} min |`;
    }),
    "",
    `Per range delivered: ${ATTACK_RANGES.map((r) => `${r} ${delivered.find((d) => d.range === r)?.n ?? 0}/${attacker.byRange.get(r)?.attempts ?? 0}`).join(", ")}`,
    "",
  ];
  return lines.join("\n");
}

async function main() {
  installCleanup();
  const logDir = path.join(ROOT, "data", "bench", "abuse-logs");
  mkdirSync(logDir, { recursive: true });
  const log = (s: string) => console.error(`[bench:abuse] ${s}`);
  const build = args["build-dir"]
    ? { dir: path.resolve(args["build-dir"]), key: "given", commit: undefined, builtNow: false, seconds: 0 }
    : productBuild({ log, env: {} });
  log(`product build ${build.key}${build.builtNow ? ` (built in ${build.seconds} s)` : " (reused)"}`);
  const gateway = await startGateway(logDir);
  const out: string[] = [`## bench:abuse — ${new Date().toISOString().slice(0, 16)}Z, ${build.commit ? `commit ${build.commit.slice(0, 10)}` : `build ${build.dir}`}`, ""];
  try {
    for (const name of args.scenarios.split(",") as ("no-solve" | "solve")[]) {
      log(`scenario ${name}: ${SECONDS} s`);
      out.push(await scenario(name, build.dir, gateway.url, logDir));
    }
  } finally {
    await gateway.proc.stop();
    await dropPostgres(DATABASE_URL).catch(() => {});
  }
  console.log(out.join("\n"));
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
