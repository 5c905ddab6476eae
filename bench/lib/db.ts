/**
 * The bench's databases: a PostgreSQL database created, migrated (the project's applyMigrations)
 * and dropped per system, a fresh PGlite directory for the embedded system, and the check that
 * compares what is stored with what the load driver was told.
 */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase } from "../../lib/db/connection";
import { applyMigrations } from "../../lib/db/migrations";
import type { CycleRecord } from "../driver";

export type Query = { query<T>(sql: string, params?: unknown[]): Promise<T[]>; close(): Promise<void> };

function adminUrl(url: string) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  if (!/^[\w-]+$/.test(name)) throw new Error(`unexpected database name in BENCH_DATABASE_URL: ${name}`);
  u.pathname = "/postgres";
  return { admin: u.toString(), name };
}

export async function dropPostgres(url: string) {
  const { admin, name } = adminUrl(url);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Drops and re-creates the database, then applies prisma/migrations to it. */
export async function freshPostgres(url: string): Promise<string[]> {
  const { admin, name } = adminUrl(url);
  await dropPostgres(url);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const database = await openDatabase({ kind: "postgres", url }, { poolSize: 1 });
  try {
    return await applyMigrations(database.adapterFactory);
  } finally {
    await database.close();
  }
}

export async function openQuery(target: { kind: "postgres"; url: string } | { kind: "pglite"; dir: string }): Promise<Query> {
  if (target.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: target.url, max: 2 });
    // The next system's DROP DATABASE … WITH (FORCE) ends any connection still open here; an idle
    // client's error must not take the whole run down (it did once, between systems 3 and 4).
    pool.on("error", () => {});
    return {
      query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T[],
      close: () => pool.end(),
    };
  }
  const db = new PGlite(target.dir);
  await db.waitReady;
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    close: () => db.close(),
  };
}

export type DbCheck = {
  ok: boolean;
  problems: string[];
  rows: number;
  verifiedRows: number;
  sent200: number;
  verified200: number;
  /** Rows whose SMS outcome was never recorded (the process died between insert and update). */
  smsOutcomeMissing: number;
  /** Verified rows without their 'verified' VerifyAttempt (died between the UPDATE and the insert). */
  verifiedWithoutAttempt: number;
  failedSends: { answered: number; rowsFailed: number; withSmsAttempts: number; smsAttempts: number };
  /** Write work PostgreSQL did: a non-HOT update writes a new entry into every index of the table. */
  tables?: TableStats[];
};

export type TableStats = { table: string; indexes: number; inserts: number; updates: number; hotUpdates: number };

async function tableStats(q: Query): Promise<TableStats[] | undefined> {
  try {
    return await q.query<TableStats>(
      `SELECT s.relname AS "table", (SELECT count(*)::int FROM pg_index i WHERE i.indrelid = s.relid) AS indexes,
              s.n_tup_ins::int AS inserts, s.n_tup_upd::int AS updates, s.n_tup_hot_upd::int AS "hotUpdates"
         FROM pg_stat_user_tables s WHERE s.relname IN ('Verification', 'SmsMessage', 'VerifyAttempt') ORDER BY 1`,
    );
  } catch {
    return undefined;
  }
}

type Row = { id: string; phone: string; status: string; verified_at: Date | null; token: boolean; sms_status: string | null };

/**
 * Every 200 send has exactly one row (the id it answered, when it answered one); every 200 verify
 * left its row verified; no row verified twice; verified ⇔ verifiedAt set. `product` adds the
 * product's own tables: VerifyAttempt (≤ 1 'verified' per row) and SmsMessage (every 502 recorded).
 */
export async function checkDatabase(q: Query, cycles: CycleRecord[], opts: { product: boolean; allowInterrupted?: boolean }): Promise<DbCheck> {
  const problems: string[] = [];
  const note = (msg: string) => {
    if (problems.length < 20) problems.push(msg);
    else if (problems.length === 20) problems.push("… more problems not listed");
  };
  const rows = await q.query<Row>(
    `SELECT id, phone, status::text AS status, "verifiedAt" AS verified_at, ("loginTokenHash" IS NOT NULL) AS token, "smsStatus"::text AS sms_status FROM "Verification"`,
  );
  const byPhone = new Map<string, Row[]>();
  for (const r of rows) byPhone.set(r.phone, [...(byPhone.get(r.phone) ?? []), r]);
  const attempts = new Map<string, number>();
  const sms = new Map<string, { n: number; failed: number }>();
  if (opts.product) {
    for (const a of await q.query<{ id: string; n: number }>(
      `SELECT "verificationId" AS id, count(*)::int AS n FROM "VerifyAttempt" WHERE result = 'verified' AND "verificationId" IS NOT NULL GROUP BY 1`,
    )) {
      attempts.set(a.id, a.n);
    }
    for (const s of await q.query<{ id: string; n: number; failed: number }>(
      `SELECT "verificationId" AS id, count(*)::int AS n, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM "SmsMessage" GROUP BY 1`,
    )) {
      sms.set(s.id, { n: s.n, failed: s.failed });
    }
  }

  let sent200 = 0;
  let verified200 = 0;
  const failedSends = { answered: 0, rowsFailed: 0, withSmsAttempts: 0, smsAttempts: 0 };
  const interrupted = (s: CycleRecord["verifyStatus"]) => typeof s === "string";
  for (const c of cycles) {
    const mine = byPhone.get(c.phone) ?? [];
    if (c.sendStatus === 200) {
      sent200++;
      if (mine.length !== 1) note(`send 200 for ${c.phone}: ${mine.length} rows (expected exactly 1)`);
      else if (c.verificationId && mine[0].id !== c.verificationId) note(`send 200 for ${c.phone}: answered id ${c.verificationId}, stored ${mine[0].id}`);
    } else if (c.sendStatus === 502 && opts.product) {
      failedSends.answered++;
      const row = mine[0];
      if (!row) note(`send 502 for ${c.phone}: no row`);
      else {
        if (row.status === "failed" && row.sms_status === "failed") failedSends.rowsFailed++;
        else note(`send 502 for ${c.phone}: row status ${row.status}/${row.sms_status} (expected failed/failed)`);
        const s = sms.get(row.id);
        if (s && s.n > 0 && s.failed === s.n) {
          failedSends.withSmsAttempts++;
          failedSends.smsAttempts += s.n;
        } else note(`send 502 for ${c.phone}: ${s?.n ?? 0} SmsMessage rows, ${s?.failed ?? 0} failed`);
      }
    } else if (typeof c.sendStatus === "number" && mine.some((r) => r.status === "pending" || r.status === "verified")) {
      note(`send ${c.sendStatus} for ${c.phone} left a usable row`);
    }
    if (c.verifyStatus === 200) {
      verified200++;
      const row = mine[0];
      if (!row || row.status !== "verified" || !row.verified_at) note(`verify 200 for ${c.phone}: row ${row ? `${row.status}, verifiedAt ${row.verified_at}` : "missing"}`);
    }
  }
  const seen = new Set(cycles.map((c) => c.phone));
  let smsOutcomeMissing = 0;
  let verifiedWithoutAttempt = 0;
  for (const r of rows) {
    if (!seen.has(r.phone)) note(`row ${r.id} for a phone the driver never used (${r.phone})`);
    if ((r.status === "verified") !== (r.verified_at !== null)) note(`row ${r.id}: status ${r.status} with verifiedAt ${r.verified_at}`);
    if (opts.product && r.status === "verified" && !r.token) note(`row ${r.id}: verified without a login token hash`);
    if (opts.product && r.sms_status === null) smsOutcomeMissing++;
    const n = attempts.get(r.id) ?? 0;
    if (n > 1) note(`row ${r.id} verified ${n} times`);
    if (opts.product && r.status === "verified" && n === 0) verifiedWithoutAttempt++;
  }
  // A verified row the driver never heard a 200 for: only acceptable when its verify was cut off.
  for (const c of cycles) {
    const row = byPhone.get(c.phone)?.[0];
    if (row?.status === "verified" && c.verifyStatus !== 200 && !(opts.allowInterrupted && interrupted(c.verifyStatus))) {
      note(`row ${row.id} verified but the driver got ${c.verifyStatus ?? "no verify"}`);
    }
  }
  if (!opts.allowInterrupted && smsOutcomeMissing) note(`${smsOutcomeMissing} rows without an SMS outcome`);
  if (!opts.allowInterrupted && verifiedWithoutAttempt) note(`${verifiedWithoutAttempt} verified rows without a verified VerifyAttempt`);
  return {
    ok: problems.length === 0,
    problems,
    rows: rows.length,
    verifiedRows: rows.filter((r) => r.status === "verified").length,
    sent200,
    verified200,
    smsOutcomeMissing,
    verifiedWithoutAttempt,
    failedSends,
    tables: await tableStats(q),
  };
}
