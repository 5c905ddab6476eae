/**
 * Webhook delivery, run by the job queue. The fan-out job turns one event into one delivery per
 * subscribed, enabled endpoint; each delivery job makes one signed attempt (Standard Webhooks:
 * `webhook-id` = the delivery's id, the same on every retry; `webhook-timestamp`; `webhook-signature`
 * = v1,HMAC-SHA256) and logs it. A failed attempt schedules the next one on RETRY_DELAYS_MS
 * (exponential, about a day in all). When the last one fails and the endpoint has had no success
 * since the delivery began, the endpoint is disabled with an audit event.
 */
import { createHash } from "node:crypto";
import type PgBoss from "pg-boss";
import { Webhook } from "standardwebhooks";
import { unseal } from "../crypto/sealed";
import type { Db } from "../db/connection";
import { JOB } from "../jobs/queue";
import { log } from "../log";
import { metrics } from "../metrics";
import { invalidateSubscriptions, type WebhookEvent } from "./events";
import { postWebhook, webhookUrlProblem } from "./http";

/** Waits before retry 1, 2, …: 1 min × 4ⁿ, so 7 attempts over about 23 hours. */
export const RETRY_DELAYS_MS = [1, 4, 16, 64, 256, 1024].map((minutes) => minutes * 60_000);
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export const WEBHOOK_SECRET_SEAL = { salt: "phoneotp", info: "webhook-secret-encryption:v1" };

export type WebhookJobContext = {
  db: Db;
  boss: PgBoss;
  /** OTP_SECRET: opens the endpoints' sealed signing secrets. */
  secret: string;
  allowPrivate: boolean;
  timeoutMs: number;
  now: () => Date;
};

/** When attempt `attempts + 1` is due after `attempts` failed ones, or null when none is left. */
export function nextAttemptAt(attempts: number, now: Date): Date | null {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? null : new Date(now.getTime() + delay);
}

/** A delivery's id, derived from the event and endpoint so a repeated fan-out creates nothing new. */
function deliveryId(eventId: string, endpointId: string): string {
  return `msg_${createHash("sha256").update(`${eventId}\n${endpointId}`).digest("base64url").slice(0, 27)}`;
}

/** Fan-out: one delivery row and one delivery job per endpoint subscribed to the event's type. */
export async function fanOutWebhookEvent(ctx: WebhookJobContext, event: WebhookEvent): Promise<number> {
  const endpoints = await ctx.db.webhookEndpoint.findMany({ where: { disabledAt: null, events: { has: event.type } }, select: { id: true } });
  if (endpoints.length === 0) return 0;
  const payload = JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
  const created = await ctx.db.webhookDelivery.createManyAndReturn({
    data: endpoints.map((endpoint) => ({ id: deliveryId(event.id, endpoint.id), endpointId: endpoint.id, eventType: event.type, payload, nextAttemptAt: ctx.now() })),
    skipDuplicates: true,
    select: { id: true },
  });
  if (created.length) await ctx.boss.insert(created.map((row) => ({ name: JOB.webhookDeliver, data: { deliveryId: row.id, attempt: 1 } })));
  return created.length;
}

export type AttemptOutcome = { ok: boolean; status: "succeeded" | "pending" | "failed" | "skipped"; nextAttemptAt?: Date | null };

/**
 * One attempt of one delivery. `manual` (Redeliver) attempts a delivery in any state, once, and
 * schedules nothing. A scheduled attempt of a delivery that is no longer pending does nothing (a
 * duplicate job), nor does one for a disabled endpoint (the delivery is marked failed).
 */
export async function attemptWebhookDelivery(ctx: WebhookJobContext, id: string, opts: { manual?: boolean; attempt?: number } = {}): Promise<AttemptOutcome> {
  const delivery = await ctx.db.webhookDelivery.findUnique({ where: { id }, include: { endpoint: true } });
  if (!delivery) return { ok: false, status: "skipped" };
  const { endpoint } = delivery;
  // A job for an attempt already made (a duplicate, or one retried after its worker died) does nothing.
  const isStale = opts.attempt !== undefined && opts.attempt !== delivery.attempts + 1;
  if (!opts.manual && (delivery.status !== "pending" || isStale)) return { ok: false, status: "skipped" };
  if (!opts.manual && endpoint.disabledAt) {
    await ctx.db.webhookDelivery.update({ where: { id }, data: { status: "failed", nextAttemptAt: null } });
    return { ok: false, status: "failed" };
  }

  const now = ctx.now();
  const signingSecret = unseal(ctx.secret, WEBHOOK_SECRET_SEAL, endpoint.id, endpoint.secretSealed);
  const signature = new Webhook(signingSecret).sign(delivery.id, now, delivery.payload);
  const headers = { "webhook-id": delivery.id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": signature };
  const problem = webhookUrlProblem(endpoint.url, { allowPrivate: ctx.allowPrivate });
  const result = problem
    ? { ok: false as const, latencyMs: 0, error: "private_address" as const }
    : await postWebhook(endpoint.url, delivery.payload, headers, { timeoutMs: ctx.timeoutMs, allowPrivate: ctx.allowPrivate });
  metrics().webhookDeliveries.inc({ outcome: result.ok ? "success" : "failure" });

  const attempt = delivery.attempts + 1;
  const next = result.ok || opts.manual ? null : nextAttemptAt(attempt, now);
  const status = (result.ok ? "succeeded" : opts.manual ? delivery.status : next ? "pending" : "failed") as AttemptOutcome["status"];
  await ctx.db.$transaction([
    ctx.db.webhookAttempt.create({
      data: {
        deliveryId: id,
        attempt,
        ok: result.ok,
        responseStatus: result.status ?? null,
        responseBody: result.body ?? null,
        error: result.ok ? null : (result.error ?? null),
        latencyMs: result.latencyMs,
        manual: opts.manual ?? false,
        createdAt: now,
      },
    }),
    ctx.db.webhookDelivery.update({ where: { id }, data: { attempts: attempt, status, nextAttemptAt: status === "pending" ? next : null } }),
    ...(result.ok ? [ctx.db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { lastSuccessAt: now } })] : []),
  ]);
  log.info("webhook attempt", { deliveryId: id, endpointId: endpoint.id, attempt, ok: result.ok, httpStatus: result.status, error: result.ok ? undefined : result.error, ms: result.latencyMs });

  if (next) {
    await ctx.boss.send(JOB.webhookDeliver, { deliveryId: id, attempt: attempt + 1 }, { startAfter: next });
  } else if (status === "failed" && !opts.manual && !(endpoint.lastSuccessAt && endpoint.lastSuccessAt >= delivery.createdAt)) {
    await disableEndpoint(ctx.db, endpoint.id, now, `${MAX_ATTEMPTS} attempts over about a day failed (last: ${result.error ?? "error"})`);
  }
  return { ok: result.ok, status, ...(next !== undefined && { nextAttemptAt: next }) };
}

/** Disables an endpoint once (the conditional update) and records it in the audit log. */
async function disableEndpoint(db: Db, endpointId: string, now: Date, reason: string) {
  const disabled = await db.webhookEndpoint.updateMany({ where: { id: endpointId, disabledAt: null }, data: { disabledAt: now, disabledReason: reason } });
  if (disabled.count === 0) return;
  await db.auditEvent.create({ data: { type: "webhook_endpoint_disabled", data: { webhookEndpointId: endpointId, reason }, createdAt: now } });
  invalidateSubscriptions(db);
  log.warn("webhook endpoint disabled", { endpointId, reason });
}
