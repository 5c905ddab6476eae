/**
 * Demo and benchmark data for the admin dashboard, generated inside the database with set-based SQL
 * (INSERT … SELECT generate_series) so a million verifications load in minutes on PostgreSQL and
 * PGlite alike. Codes are never generated: code hashes are random hex.
 */
import type { Db } from "../db";

export type SeedOptions = {
  rows: number;
  /** Verifications are spread evenly over this many days, ending at `now`. */
  days?: number;
  now?: Date;
  /** Rows per INSERT statement: bounded so neither database holds a huge transaction in memory. */
  batchSize?: number;
  /** Distinct phone numbers the rows are drawn from (repeat customers). */
  phonePool?: number;
  onProgress?: (inserted: number, total: number) => void;
};

export type SeedResult = { verifications: number; smsMessages: number; verifyAttempts: number; users: number; auditEvents: number };

const DEFAULT_BATCH = 50_000;
const TTL_SECONDS = 300;
/** Phone-pool entries below this index belong to registered users (their verified codes link to them). */
const USER_SHARE = 0.25;

// Country mix by bucket (0–99) of the phone-pool index: [upper bound, ISO, E.164 prefix, digits after it].
type Country = [number, string, string, number];
const COUNTRIES: Country[] = [
  [45, "TZ", "+2557", 8],
  [60, "KE", "+2547", 8],
  [70, "UG", "+2567", 8],
  [80, "NG", "+23480", 8],
  [87, "IN", "+9198", 8],
  [94, "GB", "+447", 9],
  [100, "US", "+1415", 7],
];

function countryCase(expr: (c: Country) => string): string {
  return `CASE ${COUNTRIES.map((c) => `WHEN cb < ${c[0]} THEN ${expr(c)}`).join(" ")} END`;
}

const USER_AGENTS = [
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
  "okhttp/4.12.0",
];

/** A timestamp(3) in UTC from epoch milliseconds (Prisma stores UTC in `timestamp without time zone`). */
const ts = (ms: number | string) => `(to_timestamp((${ms})::float8 / 1000) AT TIME ZONE 'UTC')::timestamp(3)`;

async function count(db: Db, sql: string): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: bigint | number }[]>(sql);
  return Number(rows[0]?.n ?? 0);
}

/** Inserts `rows` verifications with their SMS attempts, verify attempts, users and rate-limit events. */
export async function seedAdminData(db: Db, opts: SeedOptions): Promise<SeedResult> {
  const now = (opts.now ?? new Date()).getTime();
  const total = Math.max(0, Math.floor(opts.rows));
  const spanMs = Math.round((opts.days ?? 30) * 86_400_000);
  const start = now - spanMs;
  const stepMs = total > 0 ? spanMs / total : 0;
  const batch = opts.batchSize ?? DEFAULT_BATCH;
  const pool = Math.max(10, opts.phonePool ?? Math.min(300_000, Math.max(50, Math.ceil(total / 4))));
  const userPool = Math.floor(pool * USER_SHARE);
  // A run id keeps ids unique when seeding the same database twice.
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const result: SeedResult = { verifications: 0, smsMessages: 0, verifyAttempts: 0, users: 0, auditEvents: 0 };

  // Distinct pool indexes give distinct numbers: 48271 is coprime with 10, so p ↦ p·48271 mod 10^n is one-to-one.
  const phoneOf = (p: string) =>
    countryCase((c) => `'${c[2]}' || lpad(((${p})::bigint * 48271 % ${10 ** c[3]})::text, ${c[3]}, '0')`);

  // Users first: verified codes of the first USER_SHARE of the pool link to them.
  result.users = await db.$executeRawUnsafe(`
    INSERT INTO "User" (id, phone, role, "createdAt", "lastLoginAt")
    SELECT 'seed-user-' || p, ${phoneOf("p")},
           (CASE WHEN p % 997 = 0 THEN 'ADMIN' ELSE 'USER' END)::"Role",
           ${ts(start)} + (p % 1000) * interval '1 minute',
           ${ts(now)} - (p % 2000) * interval '17 minutes'
    FROM (SELECT p, (p * 7919) % 100 AS cb FROM generate_series(0, ${userPool - 1}) p) s
    ON CONFLICT DO NOTHING`);

  const agents = `(ARRAY[${USER_AGENTS.map((a) => `'${a}'`).join(",")}])[1 + floor(random() * ${USER_AGENTS.length})::int]`;
  for (let first = 0; first < total; first += batch) {
    const last = Math.min(total, first + batch) - 1;
    const lo = start + first * stepMs;
    const hi = start + (last + 1) * stepMs;
    result.verifications += await db.$executeRawUnsafe(`
      INSERT INTO "Verification" (id, phone, country, purpose, "codeHash", status, attempts, "maxAttempts", "expiresAt",
        "createdAt", "updatedAt", "verifiedAt", ip, "userAgent", "isTestNumber", "smsProvider", "smsStatus", "userId", channel)
      SELECT id, phone, country, purpose, "codeHash", st::"VerificationStatus",
        -- Wrong codes only, as the engine counts them: right at the first try is 0 attempts.
        CASE st WHEN 'verified' THEN (rv < 0.15)::int + (rv < 0.03)::int WHEN 'locked' THEN 5
                WHEN 'expired' THEN (rv < 0.1)::int ELSE 0 END,
        5, created + interval '${TTL_SECONDS} seconds', created,
        CASE WHEN st = 'verified' THEN created + (8 + rv * 150) * interval '1 second' ELSE created END,
        CASE WHEN st = 'verified' THEN created + (8 + rv * 150) * interval '1 second' END,
        ip, ua, false, provider,
        (CASE WHEN st = 'failed' THEN 'failed'
              WHEN st = 'expired' AND rv < 0.4 THEN 'undelivered'
              WHEN rq < 0.7 THEN 'delivered' ELSE 'sent' END)::"SmsStatus",
        CASE WHEN st = 'verified' AND p < ${userPool} THEN 'seed-user-' || p END,
        channel
      FROM (
        SELECT *, 'seed-${run}-' || g AS id, ${phoneOf("p")} AS phone, ${countryCase((c) => `'${c[1]}'`)} AS country,
          CASE WHEN rp < 0.75 THEN 'Login' ELSE 'Registration' END AS purpose,
          md5(random()::text) || md5(random()::text) AS "codeHash",
          CASE WHEN created > ${ts(now - TTL_SECONDS * 1000)} THEN 'pending'
               WHEN rs < 0.04 THEN 'failed' WHEN rs < 0.78 THEN 'verified' WHEN rs < 0.90 THEN 'expired'
               WHEN rs < 0.925 THEN 'locked' ELSE 'superseded' END AS st,
          -- Channels: about 12 % WhatsApp and 3 % voice calls, the rest SMS (for the admin breakdown).
          CASE WHEN rc < 0.12 THEN 'whatsapp' WHEN rc < 0.15 THEN 'twilio_voice'
               WHEN rq < 0.6 THEN 'mshastra' WHEN rq < 0.97 THEN 'twilio' ELSE 'console' END AS provider,
          CASE WHEN rc < 0.12 THEN 'whatsapp' WHEN rc < 0.15 THEN 'voice' ELSE 'sms' END AS channel,
          (ARRAY['41','102','105','154','196','197'])[1 + (p % 6)] || '.' || (p % 251) || '.' || (g % 253) || '.' || (1 + p % 250) AS ip,
          ${agents} AS ua
        FROM (
          SELECT g, p, (p * 7919) % 100 AS cb, random() AS rs, random() AS rp, random() AS rv, random() AS rq, random() AS rc,
            ${ts(`${start} + g::float8 * ${stepMs} + random() * ${stepMs}`)} AS created
          FROM (SELECT g, floor(random() * ${pool})::int AS p FROM generate_series(${first}, ${last}) g) r
        ) b
      ) v`);

    const inBatch = `v."createdAt" >= ${ts(lo)} AND v."createdAt" < ${ts(hi + 1)} AND v.id LIKE 'seed-${run}-%'`;
    const masked = `'Your PhoneOTP code is ******. It expires in 5 minutes.'`;
    // One SMS attempt per verification; failed sends and ~4 % of the others first failed on the other
    // provider (timeout or gateway error) and were retried there: attempt k of n, the last one being
    // the result the verification row carries.
    result.smsMessages += await db.$executeRawUnsafe(`
      INSERT INTO "SmsMessage" (id, "verificationId", provider, channel, attempt, "to", text, status, "providerMessageId",
        "httpStatus", "errorCode", "errorMessage", "latencyMs", "createdAt", "updatedAt", "deliveredAt")
      SELECT v.id || '-s' || k, v.id,
        CASE WHEN k = n OR v.channel <> 'sms' THEN v."smsProvider" WHEN v."smsProvider" = 'mshastra' THEN 'twilio' ELSE 'mshastra' END,
        v.channel, 1, v.phone, ${masked},
        (CASE WHEN k = n THEN v."smsStatus"::text ELSE 'failed' END)::"SmsStatus",
        CASE WHEN k = n AND v."smsStatus" <> 'failed' THEN md5(v.id) END,
        CASE WHEN k < n THEN (ARRAY[200, 504, 503, 401])[1 + (h & 3)]
             WHEN v."smsStatus" = 'failed' THEN (ARRAY[200, 400, 402, 502])[1 + (h & 3)] ELSE 200 END,
        CASE WHEN k < n THEN (ARRAY['bad_response', 'timeout', 'server_error', 'invalid_credentials'])[1 + (h & 3)]
             WHEN v."smsStatus" = 'failed' THEN (ARRAY['insufficient_credit', 'invalid_number', 'country_not_enabled', 'server_error'])[1 + (h & 3)]
             WHEN v."smsStatus" = 'undelivered' THEN 'dnd_number' END,
        CASE WHEN k < n THEN (ARRAY['Unexpected gateway answer', 'No answer within 10000 ms', 'Service Unavailable', 'Invalid Username or Password'])[1 + (h & 3)]
             WHEN v."smsStatus" = 'failed' THEN (ARRAY['No More Credits', 'Invalid Mobile Number', 'Country not enabled for this account', 'Internal Server Error'])[1 + (h & 3)]
             WHEN v."smsStatus" = 'undelivered' THEN 'Handset unreachable (DND)' END,
        CASE WHEN k < n AND (h & 3) = 1 THEN 10000 ELSE 120 + (hashtext(v.id || k) & 1023) END,
        v."createdAt" + (k - 1) * CASE WHEN (h & 3) = 1 THEN interval '10.1 seconds' ELSE interval '1.2 seconds' END,
        v."createdAt" + (k - 1) * interval '10.1 seconds',
        CASE WHEN k = n AND v."smsStatus" = 'delivered' THEN v."createdAt" + interval '14 seconds' END
      FROM (SELECT v.*, hashtext(v.id) AS h,
              CASE WHEN v."smsStatus" = 'failed' OR hashtext(v.id) % 25 = 0 THEN 2 ELSE 1 END AS n
            FROM "Verification" v WHERE ${inBatch}) v
      CROSS JOIN LATERAL generate_series(1, v.n) k`);

    // Verify attempts: the wrong codes (v.attempts of them, as the engine counts), then the right
    // one on verified codes, and a late try after expiry on about a third of the expired ones.
    result.verifyAttempts += await db.$executeRawUnsafe(`
      INSERT INTO "VerifyAttempt" (id, "verificationId", phone, purpose, ip, result, "createdAt")
      SELECT v.id || '-a' || k, v.id, v.phone, v.purpose, v.ip,
        CASE WHEN k <= v.attempts THEN 'invalid_code' WHEN v.status = 'verified' THEN 'verified' ELSE 'expired' END,
        CASE WHEN v.status = 'verified' THEN v."verifiedAt" - (v.attempts + 1 - k) * interval '6 seconds'
             WHEN k > v.attempts THEN v."expiresAt" + interval '20 seconds'
             ELSE v."createdAt" + k * interval '15 seconds' END
      FROM (SELECT v.*, v.attempts + CASE WHEN v.status = 'verified' THEN 1
                                          WHEN v.status = 'expired' AND hashtext(v.id) % 3 = 0 THEN 1 ELSE 0 END AS tries
            FROM "Verification" v WHERE ${inBatch}) v
      CROSS JOIN LATERAL generate_series(1, v.tries) k
      WHERE v.tries > 0`);

    // About 1 % of requests were refused by a rate limit.
    result.auditEvents += await db.$executeRawUnsafe(`
      INSERT INTO "AuditEvent" (id, type, phone, ip, data, "createdAt")
      SELECT v.id || '-rl', 'rate_limited', v.phone, v.ip,
        jsonb_build_object('reason', (ARRAY['phone_hourly', 'ip_hourly', 'resend_cooldown', 'verify_ip_hourly'])[1 + (hashtext(v.id) & 3)]),
        v."createdAt" + interval '2 seconds'
      FROM "Verification" v
      WHERE ${inBatch} AND (hashtext(v.id) % 100) = 0`);
    opts.onProgress?.(last + 1, total);
  }
  return result;
}

/** Refreshes planner statistics (and the visibility map) after a bulk load. */
export async function analyzeAdminTables(db: Db): Promise<void> {
  for (const table of ["Verification", "SmsMessage", "VerifyAttempt", "User", "AuditEvent"]) {
    await db.$executeRawUnsafe(`VACUUM ANALYZE "${table}"`);
  }
}

export async function countVerificationsEstimate(db: Db): Promise<number> {
  // reltuples: the planner's estimate, free to read (no table scan).
  return count(db, `SELECT GREATEST(reltuples, 0)::bigint AS n FROM pg_class WHERE relname = 'Verification'`);
}
