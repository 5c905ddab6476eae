/**
 * Data retention: deletes verifications older than a cutoff with their SMS and verify attempts (and
 * audit events older than their own cutoff), a
 * bounded batch per statement, so no statement holds locks on many rows for long and other
 * writers interleave between batches. runRetentionPurge is the whole purge, shared by the daily job
 * (lib/jobs) and npm run db:purge, so both cut at the same dates.
 */
import "server-only";
import type { Db } from "../db";
import { purgeGuardData } from "../otp/guard";

const DAY_MS = 86_400_000;

export type RetentionSettings = { VERIFICATION_RETENTION_DAYS: number; AUDIT_RETENTION_DAYS: number; OTP_GUARD_BASELINE_DAYS: number };

/** Ages that replace the configured days (db:purge --older-than / --audit-older-than), in ms. */
export type PurgeAges = { verificationsMs?: number; auditEventsMs?: number };

/**
 * What one purge deletes before: verifications (with their SMS and verify attempts), guard blocks
 * that ended and finished webhook deliveries older than `verifications`; audit events older than
 * `auditEvents`.
 */
export function retentionCutoffs(settings: RetentionSettings, now: Date, ages: PurgeAges = {}): { verifications: Date; auditEvents: Date } {
  return {
    verifications: new Date(now.getTime() - (ages.verificationsMs ?? settings.VERIFICATION_RETENTION_DAYS * DAY_MS)),
    auditEvents: new Date(now.getTime() - (ages.auditEventsMs ?? settings.AUDIT_RETENTION_DAYS * DAY_MS)),
  };
}

/** The whole purge at `now`: the daily job with the configured days, db:purge with its options. */
export async function runRetentionPurge(
  db: Db,
  settings: RetentionSettings,
  now: Date,
  opts: { ages?: PurgeAges; batchSize?: number; onBatch?: (r: PurgeResult) => void } = {},
) {
  const cutoffs = retentionCutoffs(settings, now, opts.ages);
  const verifications = await purgeVerifications(db, { cutoff: cutoffs.verifications, batchSize: opts.batchSize, onBatch: opts.onBatch });
  const guard = await purgeGuardData(db, { now, baselineDays: settings.OTP_GUARD_BASELINE_DAYS, blocksBefore: cutoffs.verifications });
  const auditEvents = await purgeAuditEvents(db, { cutoff: cutoffs.auditEvents, batchSize: opts.batchSize });
  const webhooks = await db.webhookDelivery.deleteMany({ where: { createdAt: { lt: cutoffs.verifications }, status: { not: "pending" } } });
  return { cutoffs, ...verifications, guard, auditEvents, webhookDeliveries: webhooks.count };
}

export const PURGE_BATCH_SIZE = 5_000;

export type PurgeResult = { verifications: number; smsMessages: number; verifyAttempts: number; batches: number };

/** "90d", "12h", "2w" or a bare number of days → milliseconds. */
export function parseAge(value: string): number {
  const m = /^\s*(\d+)\s*([hdw]?)\s*$/i.exec(value);
  if (!m || Number(m[1]) <= 0) throw new Error(`Invalid age "${value}": use e.g. 90d, 12h or 2w`);
  const unit = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[(m[2] || "d").toLowerCase() as "h" | "d" | "w"];
  return Number(m[1]) * unit;
}

type Counts = { v: number; s: number; a: number };

/**
 * Deletes everything created before `cutoff`, `batchSize` verifications per statement (keyed by id,
 * oldest first). Children go in the same statement, so a batch is all-or-nothing. Verify attempts
 * that never matched a verification (not_found) are purged by their own date.
 */
export async function purgeVerifications(
  db: Db,
  opts: { cutoff: Date; batchSize?: number; onBatch?: (r: PurgeResult) => void },
): Promise<PurgeResult> {
  const size = Math.max(1, Math.floor(opts.batchSize ?? PURGE_BATCH_SIZE));
  const cutoff = opts.cutoff.toISOString();
  const result: PurgeResult = { verifications: 0, smsMessages: 0, verifyAttempts: 0, batches: 0 };
  for (;;) {
    const [row] = await db.$queryRaw<Counts[]>`
      WITH doomed AS (
        SELECT id FROM "Verification"
        WHERE "createdAt" < (CAST(${cutoff} AS timestamptz) AT TIME ZONE 'UTC')
        ORDER BY "createdAt" LIMIT ${size}
      ),
      s AS (DELETE FROM "SmsMessage" WHERE "verificationId" IN (SELECT id FROM doomed) RETURNING 1),
      a AS (DELETE FROM "VerifyAttempt" WHERE "verificationId" IN (SELECT id FROM doomed) RETURNING 1),
      v AS (DELETE FROM "Verification" WHERE id IN (SELECT id FROM doomed) RETURNING 1)
      SELECT (SELECT count(*) FROM v)::int AS v, (SELECT count(*) FROM s)::int AS s, (SELECT count(*) FROM a)::int AS a`;
    if (!row || row.v === 0) break;
    result.verifications += row.v;
    result.smsMessages += row.s;
    result.verifyAttempts += row.a;
    result.batches += 1;
    opts.onBatch?.({ ...result });
  }
  for (;;) {
    const [row] = await db.$queryRaw<{ a: number }[]>`
      WITH doomed AS (
        SELECT id FROM "VerifyAttempt"
        WHERE "verificationId" IS NULL AND "createdAt" < (CAST(${cutoff} AS timestamptz) AT TIME ZONE 'UTC')
        ORDER BY "createdAt" LIMIT ${size}
      ),
      a AS (DELETE FROM "VerifyAttempt" WHERE id IN (SELECT id FROM doomed) RETURNING 1)
      SELECT (SELECT count(*) FROM a)::int AS a`;
    if (!row || row.a === 0) break;
    result.verifyAttempts += row.a;
    result.batches += 1;
    opts.onBatch?.({ ...result });
  }
  return result;
}

/**
 * Deletes audit events created before `cutoff` (AUDIT_RETENTION_DAYS), `batchSize` per statement,
 * oldest first on the createdAt index. Returns how many rows went.
 */
export async function purgeAuditEvents(db: Db, opts: { cutoff: Date; batchSize?: number }): Promise<number> {
  const size = Math.max(1, Math.floor(opts.batchSize ?? PURGE_BATCH_SIZE));
  const cutoff = opts.cutoff.toISOString();
  let deleted = 0;
  for (;;) {
    const [row] = await db.$queryRaw<{ n: number }[]>`
      WITH doomed AS (
        SELECT id FROM "AuditEvent"
        WHERE "createdAt" < (CAST(${cutoff} AS timestamptz) AT TIME ZONE 'UTC')
        ORDER BY "createdAt" LIMIT ${size}
      ),
      d AS (DELETE FROM "AuditEvent" WHERE id IN (SELECT id FROM doomed) RETURNING 1)
      SELECT (SELECT count(*) FROM d)::int AS n`;
    if (!row || row.n === 0) return deleted;
    deleted += row.n;
  }
}

