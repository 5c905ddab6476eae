import http from "node:http";
import type { AddressInfo } from "node:net";
import type PgBoss from "pg-boss";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminActor } from "@/lib/admin/testing";
import { openQueue } from "@/lib/jobs/queue";
import { sweepExpiredVerifications } from "@/lib/jobs/handlers";
import { startJobWorkers, webhookJobContext } from "@/lib/jobs/worker";
import { sendOtp, verifyOtp } from "@/lib/otp/service";
import type { Db } from "@/lib/db/connection";
import { createTestDatabase, describeEachDatabase, DATABASE_KINDS, uniquePhone } from "@/test/db";
import { TEST_WORKER_SETTINGS, until } from "@/test/jobs";
import { createClock, createTestContext, lastCodeSentTo, TEST_SECRETS } from "@/test/otp-context";
import { attemptWebhookDelivery, fanOutWebhookEvent, MAX_ATTEMPTS, RETRY_DELAYS_MS } from "./deliver";
import { createWebhookEndpoint, enableWebhookEndpoint, listWebhookDeliveries } from "./endpoints";
import { attachWebhookEvents, detachWebhookEvents, emitWebhookEvent, emitWebhookEvents, type WebhookEventType } from "./events";

const SETTINGS = { ...TEST_WORKER_SETTINGS, WEBHOOK_TIMEOUT_MS: 2_000 };

type Received = { id: string; body: { type: string; timestamp: string; data: Record<string, unknown> } };

/**
 * A developer's receiver as a real HTTP server: it verifies every request with the standardwebhooks
 * library against its secret and answers 401 to a bad signature, `status` otherwise.
 */
async function startReceiver(opts: { status?: number; delayMs?: number; checkSignature?: boolean } = {}) {
  const received: Received[] = [];
  const refused: string[] = [];
  let secret = "";
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      if (opts.delayMs) await new Promise((resolve) => setTimeout(resolve, opts.delayMs));
      try {
        if (opts.checkSignature !== false) new Webhook(secret).verify(body, req.headers as Record<string, string>);
      } catch (error) {
        refused.push((error as Error).message);
        res.writeHead(401).end("bad signature");
        return;
      }
      received.push({ id: String(req.headers["webhook-id"]), body: JSON.parse(body) });
      res.writeHead(opts.status ?? 204).end(opts.status && opts.status >= 300 ? "receiver says no" : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    refused,
    useSecret: (value: string) => (secret = value),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describeEachDatabase("webhooks through the job queue", (use) => {
  let boss: PgBoss;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    boss = await openQueue(use(), { work: true });
    attachWebhookEvents(use().db, boss);
    await startJobWorkers(boss, use().db, SETTINGS, { pollingIntervalSeconds: 0.5 });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    detachWebhookEvents(use().db);
    await boss?.stop({ graceful: true, wait: true, close: true });
    await receiver?.close();
  });

  async function endpoint(db: Db, url: string, events: WebhookEventType[]) {
    const created = await createWebhookEndpoint(db, { url, events }, { admin: await adminActor(db) }, { secret: TEST_SECRETS.OTP_SECRET, allowPrivate: true });
    receiver.useSecret(created.secret);
    return created;
  }

  it("delivers verification.sent and verification.approved, signed so the receiver's standardwebhooks check passes", async () => {
    const hook = await endpoint(use().db, receiver.url, ["verification.sent", "verification.approved"]);
    expect(hook.secret).toMatch(/^whsec_/);
    const row = await use().db.webhookEndpoint.findUniqueOrThrow({ where: { id: hook.id } });
    expect(row.secretSealed).not.toContain(hook.secret.slice(6, 20));

    const { ctx } = createTestContext(use().db, {}, { ...createClock(), now: () => new Date() } as ReturnType<typeof createClock>);
    const phone = uniquePhone();
    const sent = await sendOtp(ctx, { phone, purpose: "Login" });
    await verifyOtp(ctx, { phone, purpose: "Login", code: lastCodeSentTo(phone) });

    const events = await until(() => {
      const mine = receiver.received.filter((r) => r.body.data.verificationId === sent.verificationId);
      return mine.length === 2 && mine;
    });
    expect(events.map((e) => e.body.type).sort()).toEqual(["verification.approved", "verification.sent"]);
    expect(events[0].body.data).toMatchObject({ phone, purpose: "Login" });
    expect(JSON.stringify(events)).not.toContain(lastCodeSentTo(phone));
    expect(receiver.refused).toEqual([]);

    // The attempt is logged after the receiver answered.
    const deliveries = await until(async () => {
      const list = await listWebhookDeliveries(use().db, hook.id, await adminActor(use().db));
      return list.length === 2 && list.every((d) => d.status === "succeeded") && list;
    });
    expect(deliveries.map((d) => [d.attempts, d.attemptLog[0].responseStatus, d.attemptLog[0].ok])).toEqual([[1, 204, true], [1, 204, true]]);
  });

  it("keeps up with a burst: a queue with jobs fetches the next at once, not one job per polling interval", async () => {
    await endpoint(use().db, receiver.url, ["verification.sent"]);
    const burst = `burst_${Date.now()}`;
    const started = Date.now();
    await emitWebhookEvents(use().db, Array.from({ length: 30 }, (_, n) => ({ type: "verification.sent" as const, id: `${burst}_${n}`, data: { burst, n } })));
    // One fan-out and one delivery per event: at one job per 0.5 s poll that is 15 s or more.
    await until(() => receiver.received.filter((r) => r.body.data.burst === burst).length === 30, 6_000);
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it("the receiver refuses a delivery signed with another secret (401), and the attempt is logged as failed", async () => {
    const hook = await endpoint(use().db, receiver.url, ["sms.delivered"]);
    receiver.useSecret(`whsec_${Buffer.from("not-the-endpoint-secret-at-all!!").toString("base64")}`);
    await emitWebhookEvent(use().db, "sms.delivered", { verificationId: "v-bad-signature" });
    const [delivery] = await until(async () => {
      const list = await listWebhookDeliveries(use().db, hook.id, await adminActor(use().db));
      return list[0]?.attempts ? list : undefined;
    });
    expect(receiver.refused.length).toBeGreaterThan(0);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1 });
    expect(delivery.attemptLog[0]).toMatchObject({ ok: false, responseStatus: 401, responseBody: "bad signature", error: "http_401" });
    expect(delivery.nextAttemptAt).toBeTruthy();
  });
});

describeEachDatabase("webhook retries and the expiry sweep (fixed clock, no workers)", (use) => {
  let boss: PgBoss;
  beforeAll(async () => {
    boss = await openQueue(use(), { work: false });
    attachWebhookEvents(use().db, boss);
  });
  afterAll(async () => {
    detachWebhookEvents(use().db);
    await boss?.stop({ graceful: true, wait: true, close: true });
  });

  it("retries on 1 min × 4ⁿ for about a day, then disables the endpoint with an audit event and stops emitting to it", async () => {
    // Signed with the fixed clock, hours ahead of real time: this receiver does not check timestamps.
    const failing = await startReceiver({ status: 500, checkSignature: false });
    const admin = await adminActor(use().db);
    const hook = await createWebhookEndpoint(use().db, { url: failing.url, events: ["sms.failed"] }, { admin }, { secret: TEST_SECRETS.OTP_SECRET, allowPrivate: true });
    failing.useSecret(hook.secret);
    const clock = createClock(new Date());
    const ctx = webhookJobContext(use().db, boss, SETTINGS, clock.now);
    await fanOutWebhookEvent(ctx, { id: "evt_retry", type: "sms.failed", timestamp: clock.now().toISOString(), data: {} });
    // The same event again (a retried fan-out job) creates no second delivery.
    await fanOutWebhookEvent(ctx, { id: "evt_retry", type: "sms.failed", timestamp: clock.now().toISOString(), data: {} });
    const [{ id }] = await listWebhookDeliveries(use().db, hook.id, admin);
    expect((await listWebhookDeliveries(use().db, hook.id, admin)).length).toBe(1);

    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const outcome = await attemptWebhookDelivery(ctx, id, { attempt });
      expect(outcome.ok).toBe(false);
      if (outcome.nextAttemptAt) {
        waits.push(outcome.nextAttemptAt.getTime() - clock.now().getTime());
        const [job] = await use().db.$queryRawUnsafe<{ start_after: Date }[]>(
          `SELECT start_after FROM pgboss.job WHERE name = 'webhook-deliver' AND data->>'deliveryId' = $1 AND (data->>'attempt')::int = $2`,
          id,
          attempt + 1,
        );
        expect(job.start_after.getTime()).toBe(outcome.nextAttemptAt.getTime());
        clock.set(outcome.nextAttemptAt);
      }
    }
    expect(waits).toEqual(RETRY_DELAYS_MS);
    const total = waits.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(total).toBeGreaterThan(20);
    expect(total).toBeLessThan(26);
    expect(failing.received.length).toBe(MAX_ATTEMPTS);

    const [delivery] = await listWebhookDeliveries(use().db, hook.id, admin);
    expect(delivery).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(delivery.attemptLog.map((a) => a.responseStatus)).toEqual(Array(MAX_ATTEMPTS).fill(500));
    expect(delivery.attemptLog[0].responseBody).toBe("receiver says no");
    const endpoint = await use().db.webhookEndpoint.findUniqueOrThrow({ where: { id: hook.id } });
    expect(endpoint.disabledAt).toEqual(clock.now());
    const audit = await use().db.auditEvent.findFirst({ where: { type: "webhook_endpoint_disabled" } });
    expect(audit?.data).toMatchObject({ webhookEndpointId: hook.id });
    // A stale job for an attempt already made does nothing; a disabled endpoint gets no more events.
    expect((await attemptWebhookDelivery(ctx, id, { attempt: 3 })).status).toBe("skipped");
    const jobsBefore = await use().db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'webhook-fanout'`);
    await emitWebhookEvent(use().db, "sms.failed", {});
    const jobsAfter = await use().db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'webhook-fanout'`);
    expect(jobsAfter[0].n).toBe(jobsBefore[0].n);
    await failing.close();
  });

  it("does not disable an endpoint that succeeded after the failing delivery began", async () => {
    const failing = await startReceiver({ status: 503, checkSignature: false });
    const admin = await adminActor(use().db);
    const hook = await createWebhookEndpoint(use().db, { url: failing.url, events: ["sms.delivered"] }, { admin }, { secret: TEST_SECRETS.OTP_SECRET, allowPrivate: true });
    failing.useSecret(hook.secret);
    const clock = createClock(new Date());
    const ctx = webhookJobContext(use().db, boss, SETTINGS, clock.now);
    await fanOutWebhookEvent(ctx, { id: "evt_flaky", type: "sms.delivered", timestamp: clock.now().toISOString(), data: {} });
    const [{ id }] = await listWebhookDeliveries(use().db, hook.id, admin);
    await use().db.webhookEndpoint.update({ where: { id: hook.id }, data: { lastSuccessAt: new Date(clock.now().getTime() + 1000) } });
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const outcome = await attemptWebhookDelivery(ctx, id, { attempt });
      if (outcome.nextAttemptAt) clock.set(outcome.nextAttemptAt);
    }
    expect((await use().db.webhookEndpoint.findUniqueOrThrow({ where: { id: hook.id } })).disabledAt).toBeNull();
    await failing.close();
  });

  it("a redelivery reaches a disabled endpoint and leaves it disabled; after Enable, new events reach it again", async () => {
    const receiver = await startReceiver({ checkSignature: false });
    const admin = await adminActor(use().db);
    const hook = await createWebhookEndpoint(use().db, { url: receiver.url, events: ["sms.delivered"] }, { admin }, { secret: TEST_SECRETS.OTP_SECRET, allowPrivate: true });
    const clock = createClock(new Date());
    const ctx = webhookJobContext(use().db, boss, SETTINGS, clock.now);
    await fanOutWebhookEvent(ctx, { id: "evt_before_disable", type: "sms.delivered", timestamp: clock.now().toISOString(), data: {} });
    const [{ id }] = await listWebhookDeliveries(use().db, hook.id, admin);
    await use().db.webhookEndpoint.update({ where: { id: hook.id }, data: { disabledAt: clock.now(), disabledReason: "failing" } });

    // While disabled: a scheduled attempt sends nothing and fails the delivery; events make no deliveries.
    expect(await attemptWebhookDelivery(ctx, id, { attempt: 1 })).toMatchObject({ status: "failed" });
    const db = use().db;
    const mine = async () => (await listWebhookDeliveries(db, hook.id, admin)).length;
    await fanOutWebhookEvent(ctx, { id: "evt_while_disabled", type: "sms.delivered", timestamp: clock.now().toISOString(), data: {} });
    expect(await mine()).toBe(1);
    expect(receiver.received).toHaveLength(0);
    // Redeliver is sent all the same, and the endpoint stays disabled until an admin enables it.
    expect(await attemptWebhookDelivery(ctx, id, { manual: true })).toMatchObject({ ok: true, status: "succeeded" });
    expect(receiver.received.map((r) => r.id)).toEqual([id]);
    expect((await use().db.webhookEndpoint.findUniqueOrThrow({ where: { id: hook.id } })).disabledAt).not.toBeNull();

    await enableWebhookEndpoint(use().db, hook.id, { admin });
    await fanOutWebhookEvent(ctx, { id: "evt_after_enable", type: "sms.delivered", timestamp: clock.now().toISOString(), data: {} });
    expect(await mine()).toBe(2);
    await receiver.close();
  });

  it("the sweep marks expired codes and emits verification.expired once for each", async () => {
    const admin = await adminActor(use().db);
    const hook = await createWebhookEndpoint(use().db, { url: "http://127.0.0.1:9/unused", events: ["verification.expired"] }, { admin }, { secret: TEST_SECRETS.OTP_SECRET, allowPrivate: true });
    const { ctx, clock } = createTestContext(use().db, {}, createClock(new Date()));
    const phone = uniquePhone();
    const sent = await sendOtp(ctx, { phone, purpose: "Login" });
    clock.advance(299);
    expect((await sweepExpiredVerifications(use().db, clock.now())).expired).toBe(0);
    clock.advance(2);
    const first = await sweepExpiredVerifications(use().db, clock.now());
    expect(first.expired).toBeGreaterThanOrEqual(1);
    expect((await use().db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } })).status).toBe("expired");
    expect((await sweepExpiredVerifications(use().db, clock.now())).expired).toBe(0);

    const fanouts = await use().db.$queryRawUnsafe<{ data: { type: string; data: { verificationId: string } } }[]>(
      `SELECT data FROM pgboss.job WHERE name = 'webhook-fanout' AND data->>'type' = 'verification.expired'`,
    );
    const mine = fanouts.filter((job) => job.data.data.verificationId === sent.verificationId);
    expect(mine).toHaveLength(1);
    expect(mine[0].data.data).toMatchObject({ phone, purpose: "Login" });
    // A verify after the sweep still answers "expired".
    await expect(verifyOtp(ctx, { phone, purpose: "Login", code: lastCodeSentTo(phone) })).rejects.toMatchObject({ code: "expired" });
    await use().db.webhookEndpoint.delete({ where: { id: hook.id } });
  });
});

describe.runIf(DATABASE_KINDS.includes("postgres"))("two workers on PostgreSQL", () => {
  it("run each queued job once, including jobs queued while no worker ran (they survive restarts)", async () => {
    const database = await createTestDatabase("postgres");
    const receiver = await startReceiver({ delayMs: 20 });
    const producer = await openQueue(database, { work: false });
    attachWebhookEvents(database.db, producer);
    const workers: PgBoss[] = [];
    try {
      const admin = await adminActor(database.db);
      const hook = await createWebhookEndpoint(database.db, { url: receiver.url, events: ["sms.delivered"] }, { admin }, { secret: TEST_SECRETS.OTP_SECRET, allowPrivate: true });
      receiver.useSecret(hook.secret);
      for (let i = 0; i < 20; i++) await emitWebhookEvent(database.db, "sms.delivered", { n: i });
      await producer.stop({ graceful: true, wait: true, close: true }); // the "instance" that queued them is gone
      for (let i = 0; i < 2; i++) {
        const worker = await openQueue(database, { work: true });
        await startJobWorkers(worker, database.db, SETTINGS, { pollingIntervalSeconds: 0.5 });
        workers.push(worker);
      }
      await until(() => receiver.received.length >= 20, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // a duplicate would arrive by now
      const ids = receiver.received.map((r) => r.id);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
      expect(new Set(receiver.received.map((r) => r.body.data.n)).size).toBe(20);
    } finally {
      detachWebhookEvents(database.db);
      for (const worker of workers) await worker.stop({ graceful: true, wait: true, close: true });
      await receiver.close();
      await database.drop();
    }
  }, 60_000);
});

