/**
 * SIGTERM while a webhook delivery is in flight, with the real shutdown sequence (lib/shutdown.ts),
 * a real queue and workers on each database, and a real receiver that holds each request.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type PgBoss from "pg-boss";
import { afterAll, expect, it } from "vitest";
import { adminActor } from "@/lib/admin/testing";
import type { Db } from "@/lib/db/connection";
import { shutdown, trackHttpRequests } from "@/lib/shutdown";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { attachWebhookEvents, detachWebhookEvents, emitWebhookEvent } from "@/lib/webhooks/events";
import { describeEachDatabase } from "@/test/db";
import { TEST_WORKER_SETTINGS as SETTINGS, until } from "@/test/jobs";
import { TEST_SECRETS } from "@/test/otp-context";
import { openQueue } from "./queue";
import { stopQueueOnShutdown } from "./runtime";
import { startJobWorkers } from "./worker";

const HOLD_MS = 1_500;
const GRACE_MS = 5_000;

/** A receiver that takes `HOLD_MS` to answer 200; `arrived` lists webhook-ids as requests come in. */
async function slowReceiver() {
  const arrived: string[] = [];
  const server = http.createServer((req, res) => {
    arrived.push(String(req.headers["webhook-id"]));
    req.resume();
    // No keep-alive: shutdown() closes this in-process server's sockets too (see reopen), and a
    // pooled client socket it closed would fail the next delivery with ECONNRESET.
    setTimeout(() => res.writeHead(200, { connection: "close" }).end("ok"), HOLD_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    arrived,
    // shutdown() closes every HTTP server of the process, this one too: the "next start" listens again.
    reopen: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    close: () => new Promise((r) => server.close(r)),
  };
}

const jobState = (db: Db, name: string, key: string, value: string) =>
  db.$queryRawUnsafe<{ state: string }[]>(`SELECT state FROM pgboss.job WHERE name = $1 AND data->>$2 = $3`, name, key, value);

// One shutdown per process is what the app does; each database's run starts from a fresh state.
const shared = globalThis as { __otpShutdown?: { shuttingDown: boolean; servers: Set<unknown>; hooks: unknown[]; startHooks: unknown[] } };

describeEachDatabase("SIGTERM during a webhook job", (use) => {
  const bosses: PgBoss[] = [];
  afterAll(async () => {
    detachWebhookEvents(use().db);
    for (const boss of bosses) await boss.stop({ graceful: false, close: true });
  });

  it("finishes the delivery in flight and logs it once, starts no job after the signal, ends within the grace period", async () => {
    const database = use();
    const { db } = database;
    if (shared.__otpShutdown) Object.assign(shared.__otpShutdown, { shuttingDown: false, servers: new Set(), hooks: [], startHooks: [] });
    trackHttpRequests();
    const receiver = await slowReceiver();
    // A request of the app that is still being answered when the signal arrives (a slow send).
    const app = http.createServer((_req, res) => setTimeout(() => res.end("answered"), 2_500));
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    try {
      const boss = await openQueue(database, { work: true });
      bosses.push(boss);
      attachWebhookEvents(db, boss);
      const workers = await startJobWorkers(boss, db, SETTINGS, { pollingIntervalSeconds: 0.5 });
      stopQueueOnShutdown(boss, workers);
      const hook = await createWebhookEndpoint(db, { url: receiver.url, events: ["sms.delivered"] }, { admin: await adminActor(db) }, { secret: TEST_SECRETS.OTP_SECRET, allowPrivate: true });

      await emitWebhookEvent(db, "sms.delivered", { n: "in-flight" }, new Date(), `evt_a_${database.kind}`);
      const [inFlight] = await until(() => receiver.arrived.length === 1 && receiver.arrived);
      // Queued before the signal but not yet worked: it must wait for the next start.
      await emitWebhookEvent(db, "sms.delivered", { n: "queued" }, new Date(), `evt_c_${database.kind}`);
      const slowRequest = fetch(`http://127.0.0.1:${(app.address() as AddressInfo).port}/`).then((r) => r.text());
      await new Promise((resolve) => setTimeout(resolve, 50));

      let exitCode: number | undefined;
      const started = performance.now();
      await shutdown({ graceMs: GRACE_MS, closeDatabase: async () => {}, exit: (code) => (exitCode = code), signal: "SIGTERM" });
      const elapsed = performance.now() - started;

      expect(await slowRequest).toBe("answered");
      expect(exitCode).toBe(0);
      expect(elapsed).toBeLessThan(GRACE_MS);
      // Only the delivery that was in flight was attempted; it was answered and logged once.
      expect(receiver.arrived).toEqual([inFlight]);
      expect(await db.webhookAttempt.count({ where: { delivery: { endpointId: hook.id } } })).toBe(1);
      const delivery = await db.webhookDelivery.findUniqueOrThrow({ where: { id: inFlight }, include: { attemptLog: true } });
      expect(delivery).toMatchObject({ status: "succeeded", attempts: 1 });
      expect(delivery.attemptLog.map((a) => [a.attempt, a.ok, a.responseStatus])).toEqual([[1, true, 200]]);
      // pg-boss marked its job done (not left active, which would be retried after its expiry).
      await until(async () => (await jobState(db, "webhook-deliver", "deliveryId", inFlight))[0]?.state === "completed", 2_000);

      // The next start delivers the queued event, and the finished one is not sent again.
      await receiver.reopen();
      const next = await openQueue(database, { work: true });
      bosses.push(next);
      await startJobWorkers(next, db, SETTINGS, { pollingIntervalSeconds: 0.5 });
      await until(() => receiver.arrived.length === 2, 15_000);
      await new Promise((resolve) => setTimeout(resolve, HOLD_MS + 1_000)); // a duplicate would arrive by now
      expect(receiver.arrived).toHaveLength(2);
      expect(new Set(receiver.arrived).size).toBe(2);
      const deliveries = await db.webhookDelivery.findMany({ where: { endpointId: hook.id }, include: { attemptLog: true } });
      expect(deliveries.map((d) => [d.status, d.attemptLog.length])).toEqual([["succeeded", 1], ["succeeded", 1]]);
    } finally {
      app.close();
      await receiver.close();
    }
  }, 60_000);
});
