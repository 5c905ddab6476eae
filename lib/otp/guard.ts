/**
 * The fraud guard against SMS pumping (docs/abuse.md): hourly budgets per number range, country and
 * overall, the conversion guard that blocks a range or country whose codes are not being verified,
 * manual blocks and the Safe List. The decisions are SQL functions (migration …_fraud_guard), one
 * round trip per send; this module turns their answers into AppErrors.
 */
import { AppError } from "../api/errors";
import type { Db } from "../db/connection";
import type { ParsedPhone } from "../phone";
import { emitWebhookEvents } from "../webhooks/events";
import { phoneRange, type GuardConfig } from "./config";
import type { OtpContext } from "./service";

/** What a send took from the budgets, to give back when the send is refused afterwards. */
export type GuardTicket = { now: Date; range: string; country: string | null; taken: string[] };

/** Buckets of a twelfth of the window: the sliding window is exact to within one bucket. */
export function guardBucketSeconds(guard: GuardConfig): number {
  return Math.max(5, Math.floor(guard.windowSeconds / 12));
}

function countryLimit(guard: GuardConfig, country: string | null): number {
  return (country ? guard.countryBudgets.get(country) : undefined) ?? guard.maxSendsPerCountryPerHour;
}

function secondsUntil(now: Date, at: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
}


const BLOCK_EVENT_FIELDS = { id: true, scope: true, key: true, reason: true, mode: true, startsAt: true, endsAt: true, sends: true, verified: true } as const;

/**
 * Emits protection.block_started for these blocks. The event id is `block:<id>` wherever it is
 * emitted from (the send that started the block, an admin's manual block, the expiry sweep's
 * safety net), so each block is delivered once per endpoint.
 */
export async function announceBlocksStarted(db: Db, where: { id: string } | { startsAt: { gt: Date; lte: Date } }, now: Date): Promise<number> {
  const blocks = await db.otpBlock.findMany({ where, select: BLOCK_EVENT_FIELDS });
  await emitWebhookEvents(
    db,
    blocks.map((block) => ({
      type: "protection.block_started" as const,
      id: `block:${block.id}`,
      data: { blockId: block.id, scope: block.scope, key: block.key, reason: block.reason, mode: block.mode, startsAt: block.startsAt.toISOString(), endsAt: block.endsAt.toISOString(), sends: block.sends, verified: block.verified },
    })),
    now,
  );
  return blocks.length;
}

/**
 * Takes this send's place in the budgets, or throws: `blocked` (403, with retryAfter) when the
 * number, its range or country is blocked or its range or country budget is spent this hour;
 * `rate_limited` (429) when the global budget is. Returns the rule for the audit log via `onRefusal`.
 */
export async function beginGuardedSend(
  ctx: OtpContext,
  phone: ParsedPhone,
  onRefusal: (rule: string) => Promise<void>,
): Promise<GuardTicket> {
  const { guard } = ctx.config;
  const now = ctx.now();
  const range = phoneRange(phone.e164, guard.prefixTailDigits);
  const country = phone.country ?? null;
  const [row] = await ctx.db.$queryRaw<{ refused: string | null; retry_at: Date | null; taken: string[]; started_block: string | null }[]>`
    SELECT refused, retry_at, taken, started_block FROM otp_guard_begin_send(
      ${now}::timestamp, ${phone.e164}, ${range}, ${country}, ${guard.mode},
      ${guard.maxSendsPerHour}::int, ${countryLimit(guard, country)}::int, ${guard.maxSendsPerPrefixPerHour}::int,
      ${guard.windowSeconds}::int, ${guardBucketSeconds(guard)}::int, ${guard.minSendsPerPrefix}::int,
      ${guard.minSendsNewPrefix}::int, ${guard.minSendsPerCountry}::int, ${guard.minVerifyRate}::float8, ${guard.baselineFactor}::float8,
      ${guard.baselineDays}::int, ${guard.blockSeconds}::int)`;
  // This send started a block (whether or not it is refused for it): announce it now, not a minute later.
  if (row.started_block) await announceBlocksStarted(ctx.db, { id: row.started_block }, now);
  if (row.refused) {
    await onRefusal(row.refused === "blocked" ? "guard_blocked" : row.refused);
    const retryAfter = secondsUntil(now, row.retry_at ?? now);
    if (row.refused === "global_budget") {
      throw new AppError("rate_limited", { key: "guardBusy", values: { minutes: Math.ceil(retryAfter / 60) } }, { retryAfter });
    }
    throw new AppError("blocked", { key: "blocked" }, { retryAfter });
  }
  return { now, range, country, taken: row.taken };
}

/** Gives back the budgets a send took when a later rule refused it (nothing was sent). */
export async function releaseGuardedSend(ctx: OtpContext, ticket: GuardTicket): Promise<void> {
  await ctx.db.$executeRaw`
    SELECT otp_guard_release(${ticket.now}::timestamp, ${ticket.range}, ${ticket.country},
      ${guardBucketSeconds(ctx.config.guard)}::int, ${ticket.taken}::text[], true)`;
}

/**
 * What otp_check_code needs to count a verified code for its range and country (the conversion
 * guard's numerator, otp_guard_note_verified), in the same statement as the verify.
 */
export function guardVerifiedArgs(config: OtpContext["config"], phone: ParsedPhone): { range: string; country: string | null; bucketSeconds: number } {
  const { guard } = config;
  return { range: phoneRange(phone.e164, guard.prefixTailDigits), country: phone.country ?? null, bucketSeconds: guardBucketSeconds(guard) };
}

export type RiskReason = "refused" | "guard" | "suspect" | "ip" | "global";

/**
 * Why risk is elevated for this send (OTP_CHALLENGE=adaptive asks for a challenge then), or null:
 * "refused" (a block the guard refuses this send for anyway: no challenge is worth asking),
 * "guard" (a block that does not refuse, i.e. monitor mode, on the number, range or country),
 * "suspect" (the range sent OTP_GUARD_SUSPECT_SENDS codes in the window and too few were verified),
 * "ip" (the client's key is over half its hourly send limit) or "global" (sends this hour ahead of
 * the global budget's pace).
 */
export async function riskReason(ctx: OtpContext, phone: ParsedPhone, ip: string | null): Promise<RiskReason | null> {
  const { guard } = ctx.config;
  const [row] = await ctx.db.$queryRaw<{ reason: RiskReason | null }[]>`
    SELECT otp_guard_risk(${ctx.now()}::timestamp, ${phone.e164}, ${phoneRange(phone.e164, guard.prefixTailDigits)},
      ${phone.country ?? null}, ${ip}, ${ctx.config.maxSendsPerIpPerHour}::int, ${guard.maxSendsPerHour}::int,
      ${guard.mode}, ${guard.windowSeconds}::int, ${guard.suspectSends}::int, ${guard.minVerifyRate}::float8) AS reason`;
  return row.reason;
}

/**
 * Deletes what the guard no longer needs (npm run db:purge): budget rows of past hours, traffic
 * older than the baseline period, used challenges past their expiry, and blocks that ended before
 * `blocksBefore` (the verification retention cutoff).
 */
export async function purgeGuardData(db: OtpContext["db"], opts: { now: Date; baselineDays: number; blocksBefore: Date }) {
  const hourAgo = new Date(opts.now.getTime() - 3_600_000);
  const trafficBefore = new Date(opts.now.getTime() - (opts.baselineDays + 1) * 86_400_000);
  const [budgets, traffic, challenges, blocks] = await db.$transaction([
    db.otpBudgetCounter.deleteMany({ where: { window: { lt: hourAgo } } }),
    db.otpTraffic.deleteMany({ where: { bucket: { lt: trafficBefore } } }),
    db.otpChallengeUse.deleteMany({ where: { expiresAt: { lt: opts.now } } }),
    db.otpBlock.deleteMany({ where: { endsAt: { lt: opts.blocksBefore } } }),
  ]);
  return { budgets: budgets.count, traffic: traffic.count, challenges: challenges.count, blocks: blocks.count };
}
