// npm run bench:session [-- --sessions 10000 --runs 2000 --only postgres|pglite]
// What the server-side session check costs per request: next-auth's own JWT decode (what a bare JWT
// session costs) against decode + checkSessionToken (one primary-key read of AuthSession joined to
// User), with --sessions rows in the table. Prints median / p95 / p99 in milliseconds.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { decode, encode } from "next-auth/jwt";
import pg from "pg";
import { checkSessionToken, createSessionToken } from "../lib/auth/session-token";
import { openDatabase, type DatabaseTarget, type Db } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrations";
import { runScript } from "../scripts/run-script";

// The benchmark's own switch, like TEST_POSTGRES_URL for tests: not app configuration.
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL?.trim() || "postgresql://postgres@127.0.0.1:5432/postgres";
const SECRET = randomBytes(32).toString("base64url");

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function time(runs: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < Math.min(200, runs); i++) await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { median: pct(samples, 50), p95: pct(samples, 95), p99: pct(samples, 99) };
}

async function seed(db: Db, sessions: number) {
  const users = await Promise.all(Array.from({ length: 100 }, (_, i) => db.user.create({ data: { phone: `+1555${String(i).padStart(7, "0")}` } })));
  let last;
  for (let i = 0; i < sessions; i++) last = await createSessionToken(db, users[i % users.length]);
  return last!;
}

async function benchEngine(name: string, target: DatabaseTarget, sessions: number, runs: number) {
  const database = await openDatabase(target, { poolSize: 2 });
  try {
    await applyMigrations(database.adapterFactory);
    const payload = await seed(database.db, sessions);
    const cookie = await encode({ token: payload, secret: SECRET });
    const bare = await time(runs, () => decode({ token: cookie, secret: SECRET }));
    const checked = await time(runs, async () => checkSessionToken(database.db, (await decode({ token: cookie, secret: SECRET }))!));
    const row = (label: string, t: { median: number; p95: number; p99: number }) =>
      `| ${name} | ${label} | ${t.median.toFixed(3)} | ${t.p95.toFixed(3)} | ${t.p99.toFixed(3)} |`;
    console.log(row("JWT decode only (bare JWT session)", bare));
    console.log(row("decode + checkSessionToken", checked));
    console.log(`| ${name} | **added by the check (median)** | ${(checked.median - bare.median).toFixed(3)} | | |`);
  } finally {
    await database.close();
  }
}

runScript(async () => {
  const { values } = parseArgs({ options: { sessions: { type: "string", default: "10000" }, runs: { type: "string", default: "2000" }, only: { type: "string" } } });
  const sessions = Number(values.sessions);
  const runs = Number(values.runs);
  console.log(`${sessions.toLocaleString("en")} sessions in the table, ${runs.toLocaleString("en")} timed checks each (ms)\n`);
  console.log("| Database | Per request | median | p95 | p99 |\n| --- | --- | ---: | ---: | ---: |");
  if (values.only !== "postgres") await benchEngine("PGlite (in-memory)", { kind: "pglite", dataDir: undefined }, sessions, runs);
  if (values.only !== "pglite") {
    const name = `otp_bench_session_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    try {
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${name}`;
      await benchEngine("PostgreSQL 15", { kind: "postgres", url: url.toString() }, sessions, runs);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  }
});
