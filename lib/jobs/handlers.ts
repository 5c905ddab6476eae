/**
 * What the scheduled jobs do. Each takes its dependencies (db, settings, clock) so tests call them
 * with a fixed clock; lib/jobs/worker.ts runs them on the queue.
 */
import type { Db } from "../db/connection";
import { announceBlocksStarted } from "../otp/guard";
import { emitWebhookEvents } from "../webhooks/events";

export const EXPIRY_SWEEP_BATCH = 1_000;
/** A block started at most this long ago is (re)announced by the sweep; delivery ids make it once. */
export const BLOCK_ANNOUNCE_WINDOW_MS = 10 * 60_000;

/**
 * Marks pending verifications past their expiry as expired (a batch per statement; SKIP LOCKED so a
 * verify holding a row is not waited for) and emits verification.expired for each. A code that a
 * verify call already found expired was marked by that call and is not emitted again. Also announces
 * fraud-guard blocks that started in the last BLOCK_ANNOUNCE_WINDOW_MS (protection.block_started),
 * in case the request that started one could not queue its event.
 */
export async function sweepExpiredVerifications(db: Db, now: Date, batchSize = EXPIRY_SWEEP_BATCH): Promise<{ expired: number; blocks: number }> {
  let expired = 0;
  for (;;) {
    const rows = await db.$queryRaw<{ id: string; phone: string; purpose: string; expiresAt: Date; channel: string }[]>`
      WITH due AS (
        SELECT id FROM "Verification"
         WHERE status = 'pending' AND "expiresAt" <= ${now}::timestamp
         ORDER BY "expiresAt" LIMIT ${batchSize}::int
         FOR UPDATE SKIP LOCKED
      )
      UPDATE "Verification" v SET status = 'expired', "updatedAt" = ${now}::timestamp
        FROM due WHERE v.id = due.id
      RETURNING v.id, v.phone, v.purpose, v."expiresAt", v.channel`;
    expired += rows.length;
    await emitWebhookEvents(
      db,
      rows.map((row) => ({
        type: "verification.expired" as const,
        id: `expired:${row.id}`,
        data: { verificationId: row.id, phone: row.phone, purpose: row.purpose, channel: row.channel, expiresAt: row.expiresAt.toISOString() },
      })),
      now,
    );
    if (rows.length < batchSize) break;
  }
  // A safety net: the send that started a block announced it already (lib/otp/guard.ts); the same
  // event id makes this a no-op then, and catches an announcement that failed.
  const blocks = await announceBlocksStarted(db, { startsAt: { gt: new Date(now.getTime() - BLOCK_ANNOUNCE_WINDOW_MS), lte: now } }, now);
  return { expired, blocks };
}
