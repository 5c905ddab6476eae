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

export async function openQuery(target: { kind: "postgres"; url: string; schema?: string } | { kind: "pglite"; dir: string }): Promise<Query> {
  if (target.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: target.url, max: 2, ...(target.schema ? { options: `-c search_path=${target.schema},public` } : {}) });
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
  /** Full login: cycles that got a session, and how many of them have their User and a live AuthSession. */
  logins?: { cycles: number; withSession: number };
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
  let logins: DbCheck["logins"];
  const loggedIn = cycles.filter((c) => c.loginPath);
  if (loggedIn.length) {
    const live = new Set(
      (
        await q.query<{ phone: string }>(
          `SELECT u.phone FROM "User" u WHERE EXISTS (SELECT 1 FROM "AuthSession" s WHERE s."userId" = u.id AND s."endedAt" IS NULL AND s."expiresAt" > now())`,
        )
      ).map((r) => r.phone),
    );
    logins = { cycles: loggedIn.length, withSession: loggedIn.filter((c) => live.has(c.phone)).length };
    for (const c of loggedIn) if (!live.has(c.phone)) note(`login for ${c.phone} (${c.loginPath}): no User with a live AuthSession`);
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
    logins,
    tables: await tableStats(q),
  };
}

/**
 * Better Auth's own database: created like the others, then migrated with better-auth's own
 * migration API (getMigrations → runMigrations, what `npx auth migrate` runs), offline.
 */
export async function freshBetterAuthPostgres(url: string): Promise<string[]> {
  const { admin, name } = adminUrl(url);
  await dropPostgres(url);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const { getMigrations } = await import("better-auth/db/migration");
  const { betterAuthOptions } = await import("../better-auth/auth");
  const { pool, options } = betterAuthOptions({ databaseUrl: url, gatewayUrl: "http://127.0.0.1:9", baseURL: "http://127.0.0.1:9", poolSize: 1 });
  try {
    const plan = await getMigrations(options);
    await plan.runMigrations();
    return plan.toBeCreated.map((t) => t.table);
  } finally {
    await pool.end();
  }
}

/** The schema of the minimal-table floor: the Verification columns, one index (phone), no other. */
export const MINIMAL_SCHEMA = "minimal";

/**
 * After freshPostgres: `minimal."Verification"` has the product table's columns and defaults
 * (LIKE … INCLUDING DEFAULTS copies no index, no key, no constraint but NOT NULL) and one index on
 * phone, so Prisma's create/updateMany of floor 5b run unchanged against a one-index table. Prisma
 * casts enum parameters to "<schema>"."<Enum>", so the enum types are copied into the schema too.
 */
export async function addMinimalTable(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${MINIMAL_SCHEMA}`);
    await client.query(`CREATE TABLE ${MINIMAL_SCHEMA}."Verification" (LIKE public."Verification" INCLUDING DEFAULTS)`);
    const enums = await client.query<{ col: string; type: string; labels: string[]; def: string | null }>(
      `SELECT a.attname AS col, t.typname AS type, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels,
              pg_get_expr(d.adbin, d.adrelid) AS def
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid JOIN pg_enum e ON e.enumtypid = t.oid
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = 'public."Verification"'::regclass GROUP BY a.attname, t.typname, d.adbin, d.adrelid`,
    );
    const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
    for (const type of new Set(enums.rows.map((r) => r.type))) {
      const labels = enums.rows.find((r) => r.type === type)!.labels;
      await client.query(`CREATE TYPE ${MINIMAL_SCHEMA}.${q(type)} AS ENUM (${labels.map((l) => `'${l.replace(/'/g, "''")}'`).join(", ")})`);
    }
    for (const r of enums.rows) {
      const t = `${MINIMAL_SCHEMA}.${q(r.type)}`;
      await client.query(`ALTER TABLE ${MINIMAL_SCHEMA}."Verification" ALTER COLUMN ${q(r.col)} DROP DEFAULT, ALTER COLUMN ${q(r.col)} TYPE ${t} USING ${q(r.col)}::text::${t}`);
      const label = r.def ? /^'([^']*)'/.exec(r.def)?.[1] : undefined;
      if (label !== undefined) await client.query(`ALTER TABLE ${MINIMAL_SCHEMA}."Verification" ALTER COLUMN ${q(r.col)} SET DEFAULT '${label}'::${t}`);
    }
    await client.query(`CREATE INDEX "MinVerification_phone_idx" ON ${MINIMAL_SCHEMA}."Verification" (phone)`);
  } finally {
    await client.end();
  }
}

/** Rows PostgreSQL wrote in the current database (every user table, every schema), for "rows written per cycle". */
export async function rowsWritten(q: Query): Promise<{ inserts: number; updates: number; deletes: number; tables: (TableStats & { deletes: number })[] }> {
  const tables = await q.query<TableStats & { deletes: number }>(
    `SELECT CASE WHEN s.schemaname = 'public' THEN s.relname ELSE s.schemaname || '.' || s.relname END AS "table",
            (SELECT count(*)::int FROM pg_index i WHERE i.indrelid = s.relid) AS indexes,
            s.n_tup_ins::int AS inserts, s.n_tup_upd::int AS updates, s.n_tup_hot_upd::int AS "hotUpdates", s.n_tup_del::int AS deletes
       FROM pg_stat_user_tables s WHERE s.relname <> '_prisma_migrations' AND (s.n_tup_ins + s.n_tup_upd + s.n_tup_del) > 0 ORDER BY 1`,
  );
  const sum = (k: "inserts" | "updates" | "deletes") => tables.reduce((a, t) => a + t[k], 0);
  return { inserts: sum("inserts"), updates: sum("updates"), deletes: sum("deletes"), tables };
}

type BaUser = { phone: string; verified: boolean; sessions: number };

/**
 * Better Auth's database after a run: every 200 verify created exactly one user with that phone,
 * phoneNumberVerified, and at least one session; no user for a phone the driver never used or whose
 * verify it never got a 200 for; no OTP left stored for a verified phone (the code was consumed).
 */
export async function checkBetterAuth(q: Query, cycles: CycleRecord[]): Promise<DbCheck> {
  const problems: string[] = [];
  const note = (msg: string) => {
    if (problems.length < 20) problems.push(msg);
  };
  const users = await q.query<BaUser>(
    `SELECT u."phoneNumber" AS phone, u."phoneNumberVerified" AS verified, (SELECT count(*)::int FROM "session" s WHERE s."userId" = u.id) AS sessions FROM "user" u`,
  );
  const byPhone = new Map<string, BaUser[]>();
  for (const u of users) byPhone.set(u.phone, [...(byPhone.get(u.phone) ?? []), u]);
  const pending = new Set((await q.query<{ identifier: string }>(`SELECT identifier FROM "verification"`)).map((v) => v.identifier));
  let sent200 = 0;
  let verified200 = 0;
  for (const c of cycles) {
    if (c.sendStatus === 200) sent200++;
    const mine = byPhone.get(c.phone) ?? [];
    if (c.verifyStatus === 200) {
      verified200++;
      if (mine.length !== 1) note(`verify 200 for ${c.phone}: ${mine.length} users (expected exactly 1)`);
      else if (!mine[0].verified || mine[0].sessions < 1) note(`verify 200 for ${c.phone}: user verified ${mine[0].verified}, ${mine[0].sessions} sessions`);
      if (pending.has(`phone-number-otp-${c.phone}`)) note(`verify 200 for ${c.phone}: its code is still stored`);
    } else if (mine.length && typeof c.verifyStatus !== "string") note(`user for ${c.phone} but the driver got ${c.verifyStatus ?? "no verify"}`);
  }
  const seen = new Set(cycles.map((c) => c.phone));
  for (const u of users) if (!seen.has(u.phone)) note(`user for a phone the driver never used (${u.phone})`);
  return {
    ok: problems.length === 0,
    problems,
    rows: users.length,
    verifiedRows: users.filter((u) => u.verified).length,
    sent200,
    verified200,
    smsOutcomeMissing: 0,
    verifiedWithoutAttempt: 0,
    failedSends: { answered: 0, rowsFailed: 0, withSmsAttempts: 0, smsAttempts: 0 },
  };
}
