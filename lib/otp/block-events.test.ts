/**
 * protection.block_started is queued by the request that starts the block (a send that trips the
 * conversion guard, an admin's manual block), not a minute later by the sweep; the sweep's repeat
 * of the same event delivers nothing twice.
 */
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createManualBlock } from "@/lib/admin/protection";
import { adminActor } from "@/lib/admin/testing";
import type { Db } from "@/lib/db/connection";
import { sweepExpiredVerifications } from "@/lib/jobs/handlers";
import { openQueue } from "@/lib/jobs/queue";
import { webhookJobContext } from "@/lib/jobs/worker";
import { fanOutWebhookEvent } from "@/lib/webhooks/deliver";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { attachWebhookEvents, detachWebhookEvents, type WebhookEvent } from "@/lib/webhooks/events";
import { describeEachDatabase } from "@/test/db";
import { TEST_WORKER_SETTINGS as SETTINGS } from "@/test/jobs";
import { createClock, createTestContext, sendOutcome as outcome, TEST_SECRETS } from "@/test/otp-context";
import { sendOtp } from "./service";

const GUARD = {
  OTP_MAX_SENDS_PER_HOUR: "0",
  OTP_MAX_SENDS_PER_COUNTRY_PER_HOUR: "0",
  OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "0",
  OTP_GUARD_MIN_SENDS_PER_PREFIX: "3",
  OTP_GUARD_MIN_SENDS_PER_COUNTRY: "0",
};

let rangeCounter = 0;
/** Tanzanian numbers in a range (E.164 minus its last 4 digits) no other test in this file uses. */
function numbersInFreshRange(count: number): { range: string; phones: string[] } {
  rangeCounter += 1;
  const range = `+25575${String(rangeCounter).padStart(3, "0")}`;
  return { range, phones: Array.from({ length: count }, (_, i) => `${range}${String(i).padStart(4, "0")}`) };
}

/** The protection.block_started fan-out jobs queued so far, by block id. */
async function queuedBlockEvents(db: Db): Promise<WebhookEvent[]> {
  const rows = await db.$queryRawUnsafe<{ data: WebhookEvent }[]>(
    `SELECT data FROM pgboss.job WHERE name = 'webhook-fanout' AND data->>'type' = 'protection.block_started' ORDER BY created_on`,
  );
  return rows.map((row) => row.data);
}

describeEachDatabase("protection.block_started", (use) => {
  let boss: PgBoss;
  let endpointId: string;
  beforeAll(async () => {
    boss = await openQueue(use(), { work: false });
    attachWebhookEvents(use().db, boss);
    const admin = await adminActor(use().db);
    const endpoint = await createWebhookEndpoint(use().db, { url: "http://127.0.0.1:9/hooks", events: ["protection.block_started"] }, { admin }, { secret: TEST_SECRETS.OTP_SECRET, allowPrivate: true });
    endpointId = endpoint.id;
  });
  afterAll(async () => {
    detachWebhookEvents(use().db);
    await boss?.stop({ graceful: false, close: true });
  });

  it("is queued by the send that starts a conversion block, which is refused for it (enforce)", async () => {
    const { db } = use();
    const clock = createClock(new Date("2026-04-01T10:00:00Z"));
    const { ctx } = createTestContext(db, { ...GUARD, OTP_FRAUD_GUARD: "enforce" }, clock);
    const { range, phones } = numbersInFreshRange(5);
    for (const phone of phones.slice(0, 3)) expect(await outcome(sendOtp(ctx, { phone }))).toBe("sent");
    expect((await queuedBlockEvents(db)).filter((e) => e.data.key === range)).toEqual([]);

    expect(await outcome(sendOtp(ctx, { phone: phones[3] }))).toBe("blocked");
    const [block] = await db.otpBlock.findMany({ where: { key: range } });
    const events = (await queuedBlockEvents(db)).filter((e) => e.data.key === range);
    expect(events).toEqual([
      {
        id: `block:${block.id}`,
        type: "protection.block_started",
        timestamp: clock.now().toISOString(),
        data: { blockId: block.id, scope: "range", key: range, reason: "conversion", mode: "enforce", startsAt: clock.now().toISOString(), endsAt: block.endsAt.toISOString(), sends: 3, verified: 0 },
      },
    ]);
    // A send refused by the block that already exists starts nothing new.
    expect(await outcome(sendOtp(ctx, { phone: phones[4] }))).toBe("blocked");
    expect((await queuedBlockEvents(db)).filter((e) => e.data.key === range)).toHaveLength(1);
  });

  it("is queued by the send that starts a monitor-mode block, which goes through", async () => {
    const { db } = use();
    const { ctx } = createTestContext(db, { ...GUARD, OTP_FRAUD_GUARD: "monitor" }, createClock(new Date("2026-04-02T10:00:00Z")));
    const { range, phones } = numbersInFreshRange(5);
    for (const phone of phones) expect(await outcome(sendOtp(ctx, { phone }))).toBe("sent");
    const blocks = await db.otpBlock.findMany({ where: { key: range } });
    expect(blocks).toHaveLength(1);
    expect((await queuedBlockEvents(db)).filter((e) => e.data.key === range).map((e) => [e.id, e.data.mode])).toEqual([[`block:${blocks[0].id}`, "monitor"]]);
  });

  it("is queued when an admin creates a manual block", async () => {
    const { db } = use();
    const now = new Date("2026-04-03T10:00:00Z");
    const block = await createManualBlock(db, await adminActor(db), { scope: "number", key: "+255750999001", minutes: 30 }, { now });
    expect((await queuedBlockEvents(db)).filter((e) => e.data.blockId === block.id).map((e) => [e.id, e.data.reason])).toEqual([[`block:${block.id}`, "manual"]]);
  });

  it("is delivered once per endpoint when the sweep's safety net announces the same block again", async () => {
    const { db } = use();
    const clock = createClock(new Date("2026-04-04T10:00:00Z"));
    const { ctx } = createTestContext(db, { ...GUARD, OTP_FRAUD_GUARD: "enforce" }, clock);
    const { range, phones } = numbersInFreshRange(4);
    for (const phone of phones) await outcome(sendOtp(ctx, { phone }));
    clock.advance(60);
    expect((await sweepExpiredVerifications(db, clock.now())).blocks).toBeGreaterThanOrEqual(1);
    const events = (await queuedBlockEvents(db)).filter((e) => e.data.key === range);
    expect(events).toHaveLength(2); // the send's and the sweep's, with one id
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    const job = webhookJobContext(db, boss, SETTINGS, clock.now);
    for (const event of events) await fanOutWebhookEvent(job, event);
    const deliveries = await db.webhookDelivery.findMany({ where: { endpointId, payload: { contains: range } } });
    expect(deliveries).toHaveLength(1);
  });
});
