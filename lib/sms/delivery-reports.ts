import "server-only";
import type { Db } from "../db";
import { log } from "../log";
import { emitWebhookEvent } from "../webhooks/events";
import { MSHASTRA_DLR_BATCH, queryMshastraDeliveryStatus, type MshastraDlrConfig } from "./mshastra";
import type { SmsErrorCode } from "./types";

export type DeliveryReport = {
  provider: "mshastra" | "twilio" | (string & {});
  providerMessageId: string;
  status: "delivered" | "undelivered";
  errorCode?: SmsErrorCode;
  /** The gateway's words, e.g. "Twilio 30003" or "EXPIRED". */
  errorMessage?: string;
  at: Date;
};

export type DeliveryReportResult = {
  /** A message with this provider and id exists. */
  matched: boolean;
  /** Its status changed (false for a duplicate or an out-of-order report). */
  updated: boolean;
  /** The verification's smsStatus changed too. */
  verificationUpdated: boolean;
};

/**
 * Records a delivery receipt. Only `sent` messages move (to delivered or undelivered), plus
 * undelivered → delivered (a late delivery is real); `delivered` is final, so duplicate and
 * out-of-order receipts are no-ops. The conditional update is the race gate between a callback
 * and a poll reporting the same message. The verification's denormalised smsStatus follows when
 * this message is its latest accepted one (newest createdAt among messages with a provider id).
 */
export async function applyDeliveryStatus(db: Db, report: DeliveryReport): Promise<DeliveryReportResult> {
  const message = await db.smsMessage.findFirst({
    where: { provider: report.provider, providerMessageId: report.providerMessageId },
    orderBy: { createdAt: "desc" },
    select: { id: true, verificationId: true, createdAt: true },
  });
  if (!message) return { matched: false, updated: false, verificationUpdated: false };

  const from = report.status === "delivered" ? (["sent", "undelivered"] as const) : (["sent"] as const);
  const data =
    report.status === "delivered"
      ? { status: "delivered" as const, deliveredAt: report.at, errorCode: null, errorMessage: null }
      : { status: "undelivered" as const, deliveredAt: null, errorCode: report.errorCode ?? "unknown", errorMessage: report.errorMessage?.slice(0, 300) ?? null };

  const result = await db.$transaction(async (tx) => {
    const { count } = await tx.smsMessage.updateMany({ where: { id: message.id, status: { in: [...from] } }, data });
    if (count === 0) return { matched: true, updated: false, verificationUpdated: false };
    const newer = await tx.smsMessage.count({
      where: { verificationId: message.verificationId, id: { not: message.id }, providerMessageId: { not: null }, createdAt: { gt: message.createdAt } },
    });
    if (newer > 0) return { matched: true, updated: true, verificationUpdated: false };
    const v = await tx.verification.updateMany({ where: { id: message.verificationId }, data: { smsStatus: report.status } });
    return { matched: true, updated: true, verificationUpdated: v.count > 0 };
  });
  if (result.updated) {
    const event = report.status === "delivered" ? "sms.delivered" : "sms.failed";
    await emitWebhookEvent(db, event, {
      verificationId: message.verificationId,
      provider: report.provider,
      providerMessageId: report.providerMessageId,
      status: report.status,
      at: report.at.toISOString(),
      ...(report.status === "undelivered" && { errorCode: report.errorCode ?? "unknown" }),
    });
  }
  return result;
}

export type PollOptions = {
  /** Skip messages younger than this: the gateway has no receipt yet. Default 30 s. */
  olderThanSeconds?: number;
  /** Stop asking about messages older than this: they will not change any more. Default 48 h. */
  maxAgeHours?: number;
  /** Messages per run, oldest first. Default 200. */
  limit?: number;
  now?: () => Date;
  timeoutMs?: number;
};

export type PollResult = {
  checked: number;
  delivered: number;
  undelivered: number;
  pending: number;
  /** One line per failed batch query, credentials never included. */
  errors: string[];
  /** Why nothing was asked, e.g. MSHASTRA_DLR_URL not set. */
  skipped?: string;
};

/** Asks mShastra about recent `sent` messages (in batches) and records what it says. Never throws for gateway failures. */
export async function pollMshastraDeliveryReports(db: Db, config: MshastraDlrConfig, opts: PollOptions = {}): Promise<PollResult> {
  const result: PollResult = { checked: 0, delivered: 0, undelivered: 0, pending: 0, errors: [] };
  if (!config.MSHASTRA_DLR_URL) return { ...result, skipped: "MSHASTRA_DLR_URL is not set" };
  const now = (opts.now ?? (() => new Date()))();
  const newest = new Date(now.getTime() - (opts.olderThanSeconds ?? 30) * 1000);
  const oldest = new Date(now.getTime() - (opts.maxAgeHours ?? 48) * 3_600_000);
  const limit = Math.min(Math.max(opts.limit ?? 200, 1), 1000);

  const rows = await db.smsMessage.findMany({
    where: { provider: "mshastra", status: "sent", providerMessageId: { not: null }, createdAt: { lte: newest, gte: oldest } },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { providerMessageId: true },
  });
  const ids = [...new Set(rows.map((r) => r.providerMessageId!))];

  for (let i = 0; i < ids.length; i += MSHASTRA_DLR_BATCH) {
    const batch = ids.slice(i, i + MSHASTRA_DLR_BATCH);
    let statuses;
    try {
      statuses = await queryMshastraDeliveryStatus(config, batch, { timeoutMs: opts.timeoutMs });
    } catch (error) {
      result.errors.push((error as Error).message);
      log.warn("mshastra delivery-status query failed", { ids: batch.length, error: (error as Error).message });
      continue;
    }
    result.checked += batch.length;
    const answered = new Set<string>();
    for (const s of statuses) {
      answered.add(s.messageId);
      if (s.status === "sent") {
        result.pending += 1;
        continue;
      }
      const applied = await applyDeliveryStatus(db, {
        provider: "mshastra",
        providerMessageId: s.messageId,
        status: s.status,
        at: s.at ?? now,
        ...(s.status === "undelivered" && { errorCode: "unknown" as const, errorMessage: s.rawStatus }),
      });
      if (applied.updated) result[s.status] += 1;
    }
    result.pending += batch.filter((id) => !answered.has(id)).length;
  }
  if (ids.length) log.info("mshastra delivery reports polled", { ...result, errors: result.errors.length });
  return result;
}
