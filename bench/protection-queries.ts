// npm run bench:protection [-- --rows 1000000 --runs 7 --only postgres|pglite]
// Fills the fraud guard's tables as 1 M sends over 30 days would (one OtpTraffic row per range and
// 5-minute bucket, i.e. the worst case of every send in its own row; the countries' rows; 10,000
// blocks), then times the Protection page's data function and the per-send guard statement, and
// prints each query's plan root so a sequential scan would show.
import { parseArgs } from "node:util";
import pg from "pg";
import { adminActorFor } from "../lib/admin/actor";
import { getProtection } from "../lib/admin/protection";
import { openDatabase, type DatabaseTarget, type Db } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrations";
import { otpConfigFromEnv } from "../lib/otp/config";
import { parseEnv } from "../lib/env";
import { runScript } from "../scripts/run-script";

const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL?.trim() || "postgresql://postgres@127.0.0.1:5432/otp_bench_protection";

runScript(async () => {
  const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" }, runs: { type: "string", default: "7" }, only: { type: "string" } } });
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  const guard = otpConfigFromEnv(parseEnv({ NODE_ENV: "test", OTP_SECRET: "x".repeat(32), NEXTAUTH_SECRET: "y".repeat(32) })).guard;
  const now = new Date();
  const out: string[] = [`| engine | query | median ms | min–max | plan root |`, `| --- | --- | --- | --- | --- |`];

  for (const engine of (values.only ? [values.only] : ["postgres", "pglite"]) as ("postgres" | "pglite")[]) {
    let target: DatabaseTarget;
    if (engine === "postgres") {
      const admin = new URL(BENCH_DATABASE_URL);
      const name = admin.pathname.slice(1);
      admin.pathname = "/postgres";
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.query(`CREATE DATABASE "${name}"`);
      await c.end();
      target = { kind: "postgres", url: BENCH_DATABASE_URL };
    } else {
      target = { kind: "pglite", dataDir: undefined };
    }
    const opened = await openDatabase(target, { poolSize: 4 });
    await applyMigrations(opened.adapterFactory);
    const db: Db = opened.db;
    // The Protection data functions require an AdminActor, made the way requests make one.
    const benchUser = await db.user.upsert({ where: { phone: "+255700000000" }, create: { phone: "+255700000000", role: "ADMIN" }, update: { role: "ADMIN" } });
    const check = await adminActorFor(db, benchUser.id);
    if (!check.ok) throw new Error("bench admin not accepted");
    const actor = check.actor;
    const started = performance.now();
    const buckets = 30 * 288;
    const perBucket = Math.ceil(rows / buckets);
    await db.$executeRawUnsafe(`
      INSERT INTO "OtpTraffic" (scope, key, bucket, sends, verified)
      SELECT 'range', '+2557' || lpad(((b * 7919 + r) % 20000)::text, 5, '0'), $1::timestamp - make_interval(secs => b * 300), 1, (r % 5 <> 0)::int
        FROM generate_series(0, ${buckets - 1}) b, generate_series(0, ${perBucket - 1}) r
      ON CONFLICT DO NOTHING`, now);
    await db.$executeRawUnsafe(`
      INSERT INTO "OtpTraffic" (scope, key, bucket, sends, verified)
      SELECT 'country', (ARRAY['TZ','KE','UG','RW','BI'])[1 + c], $1::timestamp - make_interval(secs => b * 300), ${perBucket}, ${Math.floor(perBucket * 0.8)}
        FROM generate_series(0, ${buckets - 1}) b, generate_series(0, 4) c`, now);
    await db.$executeRawUnsafe(`
      INSERT INTO "OtpBlock" (id, scope, key, reason, mode, sends, verified, rate, baseline, "windowSeconds", "startsAt", "endsAt")
      SELECT 'b' || i, 'range', '+2557' || lpad((i % 20000)::text, 5, '0'), 'conversion', 'enforce', 40, 0, 0, 0, 3600,
             $1::timestamp - make_interval(secs => i * 250), $1::timestamp - make_interval(secs => i * 250) + interval '1 hour'
        FROM generate_series(0, 9999) i`, now);
    await db.$executeRawUnsafe(`ANALYZE`);
    const [{ n }] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "OtpTraffic"`);
    console.error(`[${engine}] ${n} OtpTraffic rows seeded in ${Math.round((performance.now() - started) / 1000)} s`);

    const planRoot = async (sql: string, ...params: unknown[]) => {
      const plan = await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`, ...params);
      return plan.map((p) => p["QUERY PLAN"]).filter((l) => /Scan/.test(l)).map((l) => l.trim().replace(/\s+\(cost.*$/, "")).join("; ");
    };
    const since = new Date(now.getTime() - 86_400_000);
    const cases: { name: string; run: () => Promise<unknown>; plan?: () => Promise<string> }[] = [
      {
        name: "Protection page data (getProtection: blocks, Safe List, top 12 countries and ranges over 24 h)",
        run: () => getProtection(db, actor, { now, guard }),
        plan: () => planRoot(`SELECT key, sum(sends) FROM "OtpTraffic" WHERE bucket >= $1::timestamp AND scope = 'range' GROUP BY key ORDER BY sum(sends) DESC LIMIT 12`, since),
      },
      {
        name: "per-send guard statement (otp_guard_begin_send, busy range)",
        run: () => db.$queryRawUnsafe(`SELECT * FROM otp_guard_begin_send($1::timestamp, '+255700012345', '+25570001', 'TZ', 'enforce', 0, 0, 0, 3600, 300, 10, 5, 200, 0.2, 3, 7, 3600)`, now),
        plan: () => planRoot(`SELECT sum(sends) FROM "OtpTraffic" t WHERE t.scope = 'range' AND t.key = '+25570001' AND t.bucket > $1::timestamp`, since),
      },
    ];
    for (const c of cases) {
      await c.run();
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await c.run();
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      out.push(`| ${engine} | ${c.name} | ${samples[Math.floor(samples.length / 2)].toFixed(1)} | ${samples[0].toFixed(1)}–${samples.at(-1)!.toFixed(1)} | ${c.plan ? await c.plan() : ""} |`);
    }
    await opened.close();
    if (engine === "postgres") {
      const admin = new URL(BENCH_DATABASE_URL);
      const name = admin.pathname.slice(1);
      admin.pathname = "/postgres";
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    }
  }
  console.log(out.join("\n"));
  process.exit(0);
});
