/**
 * Admin management of webhook endpoints. Every function asserts the AdminActor before its first
 * query (lib/admin/actor.ts). The signing secret ("whsec_…", Standard Webhooks format) is returned
 * once, by createWebhookEndpoint; it is stored sealed under OTP_SECRET because we must read it to sign.
 */
import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { assertAdminActor, type AdminActor } from "../admin/actor";
import { AppError } from "../api/errors";
import { seal } from "../crypto/sealed";
import type { Db } from "../db/connection";
import { JOB } from "../jobs/queue";
import { WEBHOOK_SECRET_SEAL } from "./deliver";
import { invalidateSubscriptions } from "./events";
import { createWebhookSchema, type CreateWebhookInput } from "./endpoints-schema";

export { createWebhookSchema, type CreateWebhookInput } from "./endpoints-schema";
import { webhookUrlProblem } from "./http";

export type WebhookSettings = { secret: string; allowPrivate: boolean };
type Actor = { admin: AdminActor; ip?: string | null; userAgent?: string | null };

const SUMMARY = { id: true, url: true, events: true, createdAt: true, disabledAt: true, disabledReason: true, lastSuccessAt: true } as const;
export type WebhookEndpointSummary = { id: string; url: string; events: string[]; createdAt: Date; disabledAt: Date | null; disabledReason: string | null; lastSuccessAt: Date | null };

function audit(db: Db, type: string, actor: Actor, data: Record<string, unknown>) {
  return db.auditEvent.create({ data: { type, actorId: actor.admin.id, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null, data: data as object } });
}

/** Creates an endpoint; the returned `secret` is the only time it leaves the server. */
export async function createWebhookEndpoint(db: Db, input: CreateWebhookInput, actor: Actor, settings: WebhookSettings): Promise<WebhookEndpointSummary & { secret: string }> {
  assertAdminActor(actor.admin);
  const data = createWebhookSchema.parse(input);
  const problem = webhookUrlProblem(data.url, { allowPrivate: settings.allowPrivate });
  if (problem) throw new AppError("validation_error", problem, { fields: { url: problem } });
  const id = randomUUID();
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const created = await db.$transaction(async (tx) => {
    const row = await tx.webhookEndpoint.create({
      data: { id, url: data.url, events: data.events, secretSealed: seal(settings.secret, WEBHOOK_SECRET_SEAL, id, secret), createdById: actor.admin.id },
      select: SUMMARY,
    });
    await audit(tx as unknown as Db, "webhook_endpoint_created", actor, { webhookEndpointId: id, url: row.url, events: row.events });
    return row;
  });
  invalidateSubscriptions(db);
  return { ...created, secret };
}

export async function listWebhookEndpoints(db: Db, admin: AdminActor): Promise<WebhookEndpointSummary[]> {
  assertAdminActor(admin);
  return db.webhookEndpoint.findMany({ orderBy: { createdAt: "desc" }, select: SUMMARY });
}

export async function getWebhookEndpoint(db: Db, id: string, admin: AdminActor): Promise<WebhookEndpointSummary> {
  assertAdminActor(admin);
  const row = await db.webhookEndpoint.findUnique({ where: { id }, select: SUMMARY });
  if (!row) throw new AppError("not_found", "There is no webhook endpoint with this id.");
  return row;
}

/** Deletes the endpoint with its deliveries and their attempt log; audit event webhook_endpoint_deleted. */
export async function deleteWebhookEndpoint(db: Db, id: string, actor: Actor): Promise<void> {
  assertAdminActor(actor.admin);
  await db.$transaction(async (tx) => {
    const row = await tx.webhookEndpoint.findUnique({ where: { id }, select: { url: true } });
    if (!row) throw new AppError("not_found", "There is no webhook endpoint with this id.");
    await tx.webhookEndpoint.delete({ where: { id } });
    await audit(tx as unknown as Db, "webhook_endpoint_deleted", actor, { webhookEndpointId: id, url: row.url });
  });
  invalidateSubscriptions(db);
}

/**
 * Enables a disabled endpoint again (audit event webhook_endpoint_enabled, with the reason it was
 * disabled for): events are delivered to it again from now on. Events of the time it was disabled
 * were not queued for it, and its failed deliveries stay failed (Redeliver sends one again).
 * Enabling an endpoint that is enabled changes nothing and writes no audit event.
 */
export async function enableWebhookEndpoint(db: Db, id: string, actor: Actor): Promise<WebhookEndpointSummary> {
  assertAdminActor(actor.admin);
  const enabled = await db.$transaction(async (tx) => {
    const row = await tx.webhookEndpoint.findUnique({ where: { id }, select: { disabledAt: true, disabledReason: true } });
    if (!row) throw new AppError("not_found", "There is no webhook endpoint with this id.");
    // The conditional update is the gate: of two admins enabling at once, one writes the audit event.
    const changed = await tx.webhookEndpoint.updateMany({ where: { id, disabledAt: { not: null } }, data: { disabledAt: null, disabledReason: null } });
    if (changed.count) await audit(tx as unknown as Db, "webhook_endpoint_enabled", actor, { webhookEndpointId: id, disabledAt: row.disabledAt?.toISOString(), disabledReason: row.disabledReason });
    return tx.webhookEndpoint.findUniqueOrThrow({ where: { id }, select: SUMMARY });
  });
  invalidateSubscriptions(db);
  return enabled;
}

export type WebhookDeliverySummary = {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  attemptLog: { attempt: number; ok: boolean; responseStatus: number | null; responseBody: string | null; error: string | null; latencyMs: number; manual: boolean; createdAt: Date }[];
};

/** The newest deliveries of an endpoint, each with its attempts (newest first). */
export async function listWebhookDeliveries(db: Db, endpointId: string, admin: AdminActor, opts: { limit?: number } = {}): Promise<WebhookDeliverySummary[]> {
  await getWebhookEndpoint(db, endpointId, admin);
  return db.webhookDelivery.findMany({
    where: { endpointId },
    orderBy: { createdAt: "desc" },
    take: Math.min(Math.max(opts.limit ?? 50, 1), 200),
    select: {
      id: true,
      eventType: true,
      status: true,
      attempts: true,
      nextAttemptAt: true,
      createdAt: true,
      attemptLog: {
        orderBy: { createdAt: "desc" },
        take: 20,
        select: { attempt: true, ok: true, responseStatus: true, responseBody: true, error: true, latencyMs: true, manual: true, createdAt: true },
      },
    },
  });
}

/**
 * Queues one more attempt of a delivery now (same webhook-id), whatever its state, and whether or
 * not the endpoint is disabled (as Svix and Stripe do): a redelivery is an admin's explicit test.
 * It does not enable the endpoint; that is enableWebhookEndpoint.
 */
export async function redeliverWebhook(db: Db, boss: PgBoss, endpointId: string, deliveryId: string, admin: AdminActor): Promise<{ queued: true }> {
  assertAdminActor(admin);
  const delivery = await db.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId }, select: { id: true } });
  if (!delivery) throw new AppError("not_found", "There is no such delivery for this endpoint.");
  await boss.send(JOB.webhookDeliver, { deliveryId, manual: true });
  return { queued: true };
}
