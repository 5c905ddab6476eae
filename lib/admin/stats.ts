/**
 * Dashboard figures for one period. Every count is bounded by the period on an indexed createdAt:
 * nothing here counts the whole table.
 */
import "server-only";
import type { Db } from "../db";
import { assertAdminActor, type AdminActor } from "./actor";

export type StatsBucket = "hour" | "day";

export type StatsPoint = { t: string; sent: number; verified: number; failed: number };

export type Stats = {
  from: string;
  to: string;
  bucket: StatsBucket;
  sent: number;
  verified: number;
  /** verified / sent, in percent (one decimal); null when nothing was sent. */
  conversionPct: number | null;
  /** Codes whose last SMS attempt failed or was reported undelivered. */
  smsFailed: number;
  smsFailurePct: number | null;
  locked: number;
  /** Requests refused by a rate limit (the counts of AuditEvent "rate_limited" rows, which aggregate
   *  one rule, key and minute each, plus verify calls answered rate_limited). */
  rateLimited: number;
  series: StatsPoint[];
};

const BUCKET_MS: Record<StatsBucket, number> = { hour: 3_600_000, day: 86_400_000 };

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

function truncate(date: Date, bucket: StatsBucket): number {
  const ms = BUCKET_MS[bucket];
  return Math.floor(date.getTime() / ms) * ms;
}

/** Timestamps are stored in UTC without a zone; this turns a JS Date into that form in SQL. */
const utc = (d: Date) => d.toISOString();

/** Totals and a gap-free series (sent / verified / SMS failed per bucket) for [from, to). */
export async function getStats(actor: AdminActor, db: Db, q: { from: Date; to: Date; bucket: StatsBucket }): Promise<Stats> {
  assertAdminActor(actor);
  const from = utc(q.from);
  const to = utc(q.to);
  const [rows, audit, verifyLimited] = await Promise.all([
    db.$queryRaw<{ t: string; sent: number; verified: number; failed: number; locked: number }[]>`
      SELECT to_char(date_trunc(${q.bucket}, "createdAt"), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS t,
        count(*)::int AS sent,
        (count(*) FILTER (WHERE status = 'verified'))::int AS verified,
        (count(*) FILTER (WHERE "smsStatus" IN ('failed', 'undelivered')))::int AS failed,
        (count(*) FILTER (WHERE status = 'locked'))::int AS locked
      FROM "Verification"
      WHERE "createdAt" >= (CAST(${from} AS timestamptz) AT TIME ZONE 'UTC')
        AND "createdAt" < (CAST(${to} AS timestamptz) AT TIME ZONE 'UTC')
      GROUP BY 1 ORDER BY 1`,
    db.$queryRaw<{ n: number }[]>`
      SELECT COALESCE(sum("count"), 0)::int AS n FROM "AuditEvent"
      WHERE type = 'rate_limited'
        AND "createdAt" >= (CAST(${from} AS timestamptz) AT TIME ZONE 'UTC')
        AND "createdAt" < (CAST(${to} AS timestamptz) AT TIME ZONE 'UTC')`,
    db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM "VerifyAttempt"
      WHERE result = 'rate_limited'
        AND "createdAt" >= (CAST(${from} AS timestamptz) AT TIME ZONE 'UTC')
        AND "createdAt" < (CAST(${to} AS timestamptz) AT TIME ZONE 'UTC')`,
  ]);

  const byBucket = new Map(rows.map((r) => [r.t, r]));
  const series: StatsPoint[] = [];
  const step = BUCKET_MS[q.bucket];
  for (let t = truncate(q.from, q.bucket); t < q.to.getTime(); t += step) {
    const key = new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
    const r = byBucket.get(key);
    series.push({ t: key, sent: r?.sent ?? 0, verified: r?.verified ?? 0, failed: r?.failed ?? 0 });
  }
  const sum = (k: "sent" | "verified" | "failed" | "locked") => rows.reduce((n, r) => n + Number(r[k]), 0);
  const sent = sum("sent");
  const verified = sum("verified");
  const smsFailed = sum("failed");
  return {
    from,
    to,
    bucket: q.bucket,
    sent,
    verified,
    conversionPct: pct(verified, sent),
    smsFailed,
    smsFailurePct: pct(smsFailed, sent),
    locked: sum("locked"),
    rateLimited: Number(audit[0]?.n ?? 0) + Number(verifyLimited[0]?.n ?? 0),
    series,
  };
}
