// npm run bench:admin [-- --rows 1000000 --runs 7 --only postgres|pglite --match breakdown]
// Seeds (or reuses) a dedicated database per engine with --rows verifications, then times the admin
// queries server-side (the lib functions the API calls) and prints median and p95 as a markdown table.
// Targets (issue 6): each query under 100 ms on PostgreSQL and under 300 ms on PGlite. The breakdown
// by channel, provider and country (issue 17) also prints its EXPLAIN ANALYZE and checks that it is
// answered by an index-only scan of Verification_breakdown_idx.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { analyzeAdminTables, countVerificationsEstimate, seedAdminData } from "../lib/admin/seed";
import { adminActorFor, type AdminActor } from "../lib/admin/actor";
import { breakdownSql, getBreakdown } from "../lib/admin/breakdown";
import { getStats } from "../lib/admin/stats";
import { Prisma } from "../lib/generated/prisma/client";
import { listVerifications, streamVerificationsCsv } from "../lib/admin/verifications";
import type { VerificationFilters } from "../lib/admin/schemas";
import { openDatabase, type DatabaseTarget, type Db } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrations";
import { runScript } from "../scripts/run-script";

const TARGET_MS = { postgres: 100, pglite: 300 } as const;
type Engine = keyof typeof TARGET_MS;

// The benchmark's own switches, like TEST_POSTGRES_URL for tests: not app configuration.
const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL?.trim() || "postgresql://postgres@127.0.0.1:5432/otp_bench_admin";
const BENCH_PGLITE_DIR = path.join("data", "bench-admin");

// `runs`: at least this many samples (the breakdown's p95 needs more than 7).
type Case = { name: string; informational?: boolean; runs?: number; run: (db: Db) => Promise<unknown> };
const BREAKDOWN_RUNS = 21;

async function ensurePostgresDatabase(url: string) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[\w-]+$/.test(name)) throw new Error(`unexpected database name in BENCH_DATABASE_URL: ${name}`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Nearest-rank percentile. */
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)];

async function time(fn: () => Promise<unknown>, runs: number): Promise<{ median: number; p95: number; min: number; max: number }> {
  await fn(); // warm-up: plan caches, buffer cache
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return { median: median(samples), p95: percentile(samples, 95), min: Math.min(...samples), max: Math.max(...samples) };
}

/** The admin the queries run as (the lib functions require one), made once in the bench database. */
async function benchAdmin(db: Db): Promise<AdminActor> {
  const user = await db.user.upsert({ where: { phone: "+10000000000" }, create: { phone: "+10000000000", role: "ADMIN" }, update: { role: "ADMIN" } });
  const check = await adminActorFor(db, user.id);
  if (!check.ok) throw new Error("bench admin not accepted");
  return check.actor;
}

async function cases(db: Db): Promise<Case[]> {
  const none: VerificationFilters = { phoneMatch: "prefix" };
  const admin = await benchAdmin(db);
  // A realistic prefix: country code + operator + two digits of the newest number (~1–2 % of rows).
  const newest = await listVerifications(admin, db, none, { limit: 1 });
  const phone = newest.items[0]?.phone ?? "+2557";
  const prefix = phone.slice(0, 7);
  // The cursor after ten pages of 50, taken once: the timed call is the 11th page itself.
  let cursor: string | undefined;
  for (let i = 0; i < 10; i++) cursor = (await listVerifications(admin, db, none, { cursor, limit: 50 })).nextCursor ?? undefined;
  const now = new Date();
  return [
    { name: "first page (50, no filter)", run: () => listVerifications(admin, db, none, { limit: 50 }) },
    { name: "status = locked", run: () => listVerifications(admin, db, { ...none, status: "locked" }, { limit: 50 }) },
    { name: "status = expired (incl. stale pending)", run: () => listVerifications(admin, db, { ...none, status: "expired" }, { limit: 50 }) },
    { name: `phone prefix ${prefix}`, run: () => listVerifications(admin, db, { ...none, phone: prefix }, { limit: 50 }) },
    { name: "provider = twilio + SMS failed", run: () => listVerifications(admin, db, { ...none, provider: "twilio", smsStatus: "failed" }, { limit: 50 }) },
    { name: "provider = console + SMS undelivered + locked", run: () => listVerifications(admin, db, { ...none, provider: "console", smsStatus: "undelivered", status: "locked" }, { limit: 50 }) },
    { name: "page 11 (cursor after 10 pages)", run: () => listVerifications(admin, db, none, { cursor, limit: 50 }) },
    { name: "stats, last 24 h by hour", run: () => getStats(admin, db, { from: new Date(now.getTime() - 86_400_000), to: now, bucket: "hour" }) },
    { name: "stats, last 7 days by day", informational: true, run: () => getStats(admin, db, { from: new Date(now.getTime() - 7 * 86_400_000), to: now, bucket: "day" }) },
    {
      name: "CSV, first 5,000 rows",
      informational: true,
      run: async () => {
        let n = 0;
        for await (const chunk of streamVerificationsCsv(admin, db, none)) {
          n += chunk.split("\r\n").length - 1;
          if (n > 5_000) break;
        }
      },
    },
    ...[1, 7].map((days) => ({
      name: `breakdown by channel, provider, country, last ${days === 1 ? "24 h" : `${days} days`}`,
      runs: BREAKDOWN_RUNS,
      run: () => getBreakdown(admin, db, { from: new Date(now.getTime() - days * 86_400_000), to: now }),
    })),
    {
      name: "breakdown, whole 30 days",
      informational: true,
      runs: BREAKDOWN_RUNS,
      run: () => getBreakdown(admin, db, { from: new Date(now.getTime() - 30 * 86_400_000), to: now }),
    },
    { name: `phone contains ${phone.slice(-5)} (not indexed)`, informational: true, run: () => listVerifications(admin, db, { ...none, phone: phone.slice(-5), phoneMatch: "contains" }, { limit: 50 }) },
  ];
}

type Result = { engine: Engine; query: string; runs: number; medianMs: number; p95Ms: number; minMs: number; maxMs: number; targetMs: number | null; ok: boolean | null };

type Plan = { engine: Engine; period: string; indexOnly: boolean; plan: string[] };

/** EXPLAIN ANALYZE of the breakdown exactly as getBreakdown sends it (same SQL, same parameters). */
async function explainBreakdown(engine: Engine, db: Db, days: number): Promise<Plan> {
  const now = new Date();
  const sql = breakdownSql({ from: new Date(now.getTime() - days * 86_400_000), to: now });
  const rows = await db.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
  const plan = rows.map((r) => r["QUERY PLAN"]);
  return { engine, period: days === 1 ? "24 h" : `${days} days`, indexOnly: plan.some((l) => /Index Only Scan using "Verification_breakdown_idx"/.test(l)), plan };
}

async function benchEngine(engine: Engine, target: DatabaseTarget, rows: number, runs: number, match: string | undefined): Promise<{ results: Result[]; plans: Plan[] }> {
  if (target.kind === "postgres") await ensurePostgresDatabase(target.url);
  const database = await openDatabase(target, { poolSize: 2 });
  try {
    await applyMigrations(database.adapterFactory);
    const existing = await countVerificationsEstimate(database.db);
    if (existing < rows * 0.98) {
      const missing = rows - existing;
      console.log(`[${engine}] seeding ${missing.toLocaleString("en")} verifications (found ~${existing.toLocaleString("en")})…`);
      const t = performance.now();
      await seedAdminData(database.db, {
        rows: missing,
        onProgress: (done, total) => done % 200_000 === 0 && console.log(`  ${done.toLocaleString("en")} / ${total.toLocaleString("en")}`),
      });
      await analyzeAdminTables(database.db);
      console.log(`[${engine}] seeded in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    } else {
      console.log(`[${engine}] reusing ~${existing.toLocaleString("en")} verifications`);
      await analyzeAdminTables(database.db);
    }
    const out: Result[] = [];
    for (const c of await cases(database.db)) {
      if (match && !c.name.includes(match)) continue;
      const n = Math.max(runs, c.runs ?? 0);
      const t = await time(() => c.run(database.db), n);
      const targetMs = c.informational ? null : TARGET_MS[engine];
      out.push({ engine, query: c.name, runs: n, medianMs: t.median, p95Ms: t.p95, minMs: t.min, maxMs: t.max, targetMs, ok: targetMs === null ? null : t.median < targetMs });
      console.log(`[${engine}] ${c.name}: median ${t.median.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms (${n} runs)`);
    }
    const plans: Plan[] = [];
    if (!match || "breakdown".includes(match) || match.includes("breakdown")) {
      for (const days of [1, 7, 30]) {
        const plan = await explainBreakdown(engine, database.db, days);
        console.log(`[${engine}] EXPLAIN ANALYZE breakdown, ${plan.period}${plan.indexOnly ? " (index-only)" : " (NOT index-only)"}:\n  ${plan.plan.join("\n  ")}`);
        plans.push(plan);
      }
    }
    return { results: out, plans };
  } finally {
    await database.close();
  }
}

runScript(async () => {
  const { values } = parseArgs({
    options: { rows: { type: "string", default: "1000000" }, runs: { type: "string", default: "7" }, only: { type: "string" }, match: { type: "string" } },
  });
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  if (!Number.isInteger(rows) || rows < 1000) throw new Error("--rows must be at least 1000");
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new Error("--runs must be between 1 and 100");
  const engines: Engine[] = values.only ? [values.only as Engine] : ["postgres", "pglite"];
  if (!engines.every((e) => e in TARGET_MS)) throw new Error("--only must be postgres or pglite");

  const results: Result[] = [];
  const plans: Plan[] = [];
  for (const engine of engines) {
    const target: DatabaseTarget = engine === "postgres" ? { kind: "postgres", url: BENCH_DATABASE_URL } : { kind: "pglite", dataDir: BENCH_PGLITE_DIR };
    const out = await benchEngine(engine, target, rows, runs, values.match);
    results.push(...out.results);
    plans.push(...out.plans);
  }

  const lines = [
    `Admin queries, ${rows.toLocaleString("en")} verifications, ${runs} runs or more each (server time, ms):`,
    "",
    "| Query | Engine | Runs | Median | p95 | Min | Max | Target |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...results.map(
      (r) =>
        `| ${r.query} | ${r.engine} | ${r.runs} | ${r.medianMs.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.minMs.toFixed(1)} | ${r.maxMs.toFixed(1)} | ${r.targetMs === null ? "—" : `< ${r.targetMs} ${r.ok ? "✅" : "❌"}`} |`,
    ),
    ...(plans.length ? ["", "Breakdown plan (EXPLAIN ANALYZE):", "", ...plans.map((p) => `- ${p.engine}, ${p.period}: ${p.indexOnly ? "Index Only Scan using Verification_breakdown_idx ✅" : p.period === "30 days" ? "not index-only (the whole table: informational)" : "not index-only ❌"}`)] : []),
  ];
  console.log(`\n${lines.join("\n")}\n`);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const dir = path.join("bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `admin-${stamp}.json`);
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  writeFileSync(file, JSON.stringify({ rows, runs, at: new Date().toISOString(), machine, loadAverage: os.loadavg(), results, plans }, null, 2));
  console.log(`Wrote ${file}`);
  const missed = results.filter((r) => r.ok === false);
  // 30 days is the whole table: the planner may rightly prefer another plan there; the periods the page uses must be index-only.
  const notIndexOnly = plans.filter((p) => !p.indexOnly && p.period !== "30 days");
  if (notIndexOnly.length) throw new Error(`the breakdown was not index-only for ${notIndexOnly.map((p) => `${p.engine} ${p.period}`).join(", ")}`);
  if (missed.length) throw new Error(`${missed.length} quer${missed.length === 1 ? "y" : "ies"} missed the target`);
});
