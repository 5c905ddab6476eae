/**
 * Sent, delivered, verified and conversion per channel, provider and country for one period, so a
 * carrier outage in one country shows instead of hiding in a global average. One grouped,
 * period-bounded query answered from a covering index (Verification_breakdown_idx).
 */
import "server-only";
import type { Db } from "../db";
import { Prisma } from "../generated/prisma/client";
import { assertAdminActor, type AdminActor } from "./actor";

export type BreakdownRow = { key: string; sent: number; delivered: number; verified: number; conversionPct: number | null };
export type Breakdown = { from: string; to: string; byChannel: BreakdownRow[]; byProvider: BreakdownRow[]; byCountry: BreakdownRow[] };

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

type Period = { from: Date; to: Date };

/** The grouped query alone, so `npm run bench:admin` can time it and EXPLAIN it as the page runs it. */
export function breakdownSql(q: Period): Prisma.Sql {
  return Prisma.sql`
    SELECT channel, "smsProvider" AS provider, country,
      count(*)::int AS sent,
      (count(*) FILTER (WHERE "smsStatus" = 'delivered'))::int AS delivered,
      (count(*) FILTER (WHERE status = 'verified'))::int AS verified
    FROM "Verification"
    WHERE "createdAt" >= (CAST(${q.from.toISOString()} AS timestamptz) AT TIME ZONE 'UTC')
      AND "createdAt" < (CAST(${q.to.toISOString()} AS timestamptz) AT TIME ZONE 'UTC')
      AND NOT "isTestNumber"
    GROUP BY 1, 2, 3`;
}

export async function getBreakdown(actor: AdminActor, db: Db, q: Period): Promise<Breakdown> {
  assertAdminActor(actor);
  const rows = await db.$queryRaw<{ channel: string; provider: string | null; country: string | null; sent: number; delivered: number; verified: number }[]>(breakdownSql(q));
  const group = (pick: (r: (typeof rows)[number]) => string) => {
    const totals = new Map<string, { sent: number; delivered: number; verified: number }>();
    for (const r of rows) {
      const t = totals.get(pick(r)) ?? { sent: 0, delivered: 0, verified: 0 };
      t.sent += r.sent;
      t.delivered += r.delivered;
      t.verified += r.verified;
      totals.set(pick(r), t);
    }
    return [...totals]
      .map(([key, t]) => ({ key, ...t, conversionPct: pct(t.verified, t.sent) }))
      .sort((a, b) => b.sent - a.sent || a.key.localeCompare(b.key));
  };
  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    byChannel: group((r) => r.channel),
    byProvider: group((r) => r.provider ?? "none"),
    byCountry: group((r) => r.country ?? "unknown"),
  };
}
