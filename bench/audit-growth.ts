// npm run bench:audit — what 5,000 refused requests add to the audit table: one row per refusal (the
// old way) against the aggregated rows (one per rule, key and minute). PostgreSQL when
// BENCH_DATABASE_URL is set (a scratch database it creates and drops), else an in-memory PGlite.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { recordRefusal } from "../lib/audit/refusals";
import { openDatabase, type Db } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrations";

const N = 5_000;

async function tableBytes(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT pg_total_relation_size('"AuditEvent"') AS n`;
  return Number(row.n);
}

async function measure(db: Db, label: string, write: (i: number) => Promise<unknown>) {
  await db.$executeRawUnsafe(`TRUNCATE "AuditEvent"`);
  await db.$executeRawUnsafe(`VACUUM FULL "AuditEvent"`);
  const before = await tableBytes(db);
  for (let i = 0; i < N; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => write(i + k)));
  const rows = await db.auditEvent.count();
  const after = await tableBytes(db);
  // Updated rows leave dead versions until (auto)vacuum reclaims them: show both.
  await db.$executeRawUnsafe(`VACUUM "AuditEvent"`);
  const vacuumed = await tableBytes(db);
  const kb = (n: number) => `+${((n - before) / 1024).toFixed(0).padStart(5)} KB`;
  console.log(`${label.padEnd(58)} ${String(rows).padStart(5)} rows  ${kb(after)}  ${kb(vacuumed)} after VACUUM`);
}

async function main() {
  const base = process.env.BENCH_DATABASE_URL?.trim();
  const name = `otp_bench_audit_${randomBytes(4).toString("hex")}`;
  let url: string | undefined;
  if (base) {
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  const opened = await openDatabase(url ? { kind: "postgres", url } : { kind: "pglite", dataDir: undefined }, { poolSize: 10 });
  await applyMigrations(opened.adapterFactory);
  const db = opened.db;
  const start = new Date("2026-06-01T12:00:00.000Z");
  const at = (i: number) => new Date(start.getTime() + i * 12); // 5,000 refusals over one minute
  const ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
  console.log(`${N.toLocaleString("en")} refusals over one minute on ${url ? "PostgreSQL" : "PGlite"}:`);
  await measure(db, "before: one row per refusal (one address, 5,000 phones)", (i) =>
    db.auditEvent.create({ data: { type: "rate_limited", phone: `+2557${String(i).padStart(8, "0")}`, ip: "198.51.100.7", userAgent: ua, data: { rule: "ip_hour" }, createdAt: at(i) } }),
  );
  await measure(db, "now: one address over its limit", (i) =>
    recordRefusal(db, { type: "rate_limited", rule: "ip_hour", key: "198.51.100.7", keyKind: "ip", userAgent: ua, at: at(i) }),
  );
  await measure(db, "now: one phone in its cooldown", (i) =>
    recordRefusal(db, { type: "rate_limited", rule: "cooldown", key: "+255700000001", keyKind: "phone", userAgent: ua, at: at(i) }),
  );
  await measure(db, "now: a cross-site pump from one origin", (i) =>
    recordRefusal(db, { type: "cross_site", rule: "origin", key: "https://evil.example", keyKind: "other", userAgent: ua, at: at(i) }),
  );
  await measure(db, "now: 5,000 different addresses (worst case)", (i) =>
    recordRefusal(db, { type: "rate_limited", rule: "ip_hour", key: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, keyKind: "ip", userAgent: ua, at: at(i) }),
  );
  await opened.close();
  if (base) {
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
