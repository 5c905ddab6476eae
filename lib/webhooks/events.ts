/**
 * Emitting webhook events from the domain. On the hot path (send, verify) an event nobody
 * subscribes to costs no statement: the set of subscribed types is cached per process (refreshed
 * every SUBSCRIPTIONS_TTL_MS and at once when an admin changes endpoints here). A subscribed event
 * costs one INSERT: its fan-out job. Emitting never fails the caller. The queue may be given lazily:
 * an instance with JOBS=off opens pg-boss on its first subscribed event, not at start.
 */
import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import type { Db } from "../db/connection";
import { JOB } from "../jobs/names";
import { log } from "../log";

export const WEBHOOK_EVENT_TYPES = [
  "verification.sent",
  "verification.approved",
  "verification.expired",
  "verification.locked",
  "sms.failed",
  "sms.delivered",
  "protection.block_started",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Another instance's endpoint change reaches this one within this time. */
export const SUBSCRIPTIONS_TTL_MS = 5_000;

/** What the fan-out job carries: the Standard Webhooks payload plus an id that makes it idempotent. */
export type WebhookEvent = { id: string; type: WebhookEventType; timestamp: string; data: Record<string, unknown> };

type Sink = { queue: () => Promise<PgBoss>; types?: Set<string>; loadedAt: number; loading?: Promise<Set<string>> };
// On globalThis: route bundles and instrumentation may load this module separately.
const globalForSinks = globalThis as unknown as { __otpWebhookSinks?: WeakMap<Db, Sink> };
const sinks = (globalForSinks.__otpWebhookSinks ??= new WeakMap());

/**
 * Connects a database to its job queue (an open one, or a function that opens it on first use);
 * until then (and in tests that never do) emitting is a no-op.
 */
export function attachWebhookEvents(db: Db, queue: PgBoss | (() => Promise<PgBoss>)) {
  sinks.set(db, { queue: typeof queue === "function" ? queue : () => Promise.resolve(queue), loadedAt: 0 });
}


export function detachWebhookEvents(db: Db) {
  sinks.delete(db);
}

/** Forgets the cached subscriptions (called after an endpoint is created, deleted or disabled). */
export function invalidateSubscriptions(db: Db) {
  const sink = sinks.get(db);
  if (sink) sink.loadedAt = 0;
}

async function subscribedTypes(db: Db, sink: Sink): Promise<Set<string>> {
  if (sink.types && Date.now() - sink.loadedAt < SUBSCRIPTIONS_TTL_MS) return sink.types;
  sink.loading ??= db.webhookEndpoint
    .findMany({ where: { disabledAt: null }, select: { events: true } })
    .then((rows) => {
      sink.types = new Set(rows.flatMap((row) => row.events));
      sink.loadedAt = Date.now();
      return sink.types;
    })
    .finally(() => {
      sink.loading = undefined;
    });
  return sink.loading;
}

/**
 * Emits events (each becomes one fan-out job when some enabled endpoint subscribes to its type).
 * `id` makes an event idempotent: emitting the same id twice delivers it once per endpoint.
 */
export async function emitWebhookEvents(
  db: Db,
  events: { type: WebhookEventType; data: Record<string, unknown>; id?: string }[],
  now: Date = new Date(),
): Promise<void> {
  const sink = sinks.get(db);
  if (!sink || events.length === 0) return;
  try {
    const types = await subscribedTypes(db, sink);
    const wanted = events.filter((event) => types.has(event.type));
    if (wanted.length === 0) return;
    const jobs = wanted.map((event) => ({
      name: JOB.webhookFanout,
      data: { id: event.id ?? `evt_${randomUUID()}`, type: event.type, timestamp: now.toISOString(), data: event.data } satisfies WebhookEvent,
    }));
    const boss = await sink.queue();
    if (jobs.length === 1) await boss.send(jobs[0].name, jobs[0].data);
    else await boss.insert(jobs);
  } catch (error) {
    log.warn("webhook event not queued", { types: [...new Set(events.map((e) => e.type))].join(","), error: (error as Error)?.name });
  }
}

export function emitWebhookEvent(db: Db, type: WebhookEventType, data: Record<string, unknown>, now?: Date, id?: string) {
  return emitWebhookEvents(db, [{ type, data, ...(id && { id }) }], now);
}
