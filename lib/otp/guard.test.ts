import { expect, it } from "vitest";
import { AppError } from "@/lib/api/errors";
import { describeEachDatabase } from "@/test/db";
import { createClock, createTestContext, lastCodeSentTo, sendOutcome as outcome } from "@/test/otp-context";
import { purgeGuardData } from "./guard";
import { sendOtp, verifyOtp } from "./service";

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

let rangeCounter = 0;
/** `count` valid Tanzanian mobile numbers in a range (E.164 minus its last 4 digits) no other test uses. */
function numbersInFreshRange(count: number): { range: string; phones: string[] } {
  rangeCounter += 1;
  const range = `+25571${String(rangeCounter).padStart(3, "0")}`;
  return { range, phones: Array.from({ length: count }, (_, i) => `${range}${String(i).padStart(4, "0")}`) };
}

const GUARD = {
  OTP_FRAUD_GUARD: "enforce",
  OTP_MAX_SENDS_PER_HOUR: "0",
  OTP_MAX_SENDS_PER_COUNTRY_PER_HOUR: "0",
  OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "0",
  OTP_GUARD_MIN_SENDS_PER_PREFIX: "0",
  OTP_GUARD_MIN_SENDS_PER_COUNTRY: "0",
};

describeEachDatabase("fraud guard", (use) => {
  it("lets exactly the per-range budget through when 40 numbers of one range are sent to at once", async () => {
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "7" });
    const { phones } = numbersInFreshRange(40);
    const results = await Promise.all(phones.map((phone) => outcome(sendOtp(ctx, { phone }))));
    expect(results.filter((r) => r === "sent")).toHaveLength(7);
    expect(results.filter((r) => r === "blocked")).toHaveLength(33);
  });

  it("refuses a spent range budget with 403 blocked, no internals, and retryAfter at the end of the hour", async () => {
    const clock = createClock(new Date("2026-03-01T10:15:00.000Z"));
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "2" }, clock);
    const { phones } = numbersInFreshRange(3);
    await sendOtp(ctx, { phone: phones[0] });
    await sendOtp(ctx, { phone: phones[1] });
    const refused = await failure(sendOtp(ctx, { phone: phones[2] }));
    expect(refused.status).toBe(403);
    expect(refused.toBody()).toEqual({ error: { code: "blocked", message: expect.any(String), retryAfter: 45 * 60 } });
    expect(refused.message).not.toMatch(/budget|range|prefix|guard/i);
    clock.advance(45 * 60); // a new clock hour, a new budget
    expect(await outcome(sendOtp(ctx, { phone: phones[2] }))).toBe("sent");
  });

  it("applies OTP_COUNTRY_BUDGETS over OTP_MAX_SENDS_PER_COUNTRY_PER_HOUR, exactly under concurrency", async () => {
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_MAX_SENDS_PER_COUNTRY_PER_HOUR: "1000", OTP_COUNTRY_BUDGETS: "KE:100, TZ:6" }, createClock(new Date("2026-03-02T10:00:00Z")));
    const phones = [...numbersInFreshRange(10).phones, ...numbersInFreshRange(10).phones];
    const results = await Promise.all(phones.map((phone) => outcome(sendOtp(ctx, { phone }))));
    expect(results.filter((r) => r === "sent")).toHaveLength(6);
    expect(results.filter((r) => r === "blocked")).toHaveLength(14);
  });

  it("refuses past the global hourly budget with 429 rate_limited and gives back the range and country budgets", async () => {
    const { ctx, env } = createTestContext(use().db, { ...GUARD, OTP_MAX_SENDS_PER_HOUR: "3", OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "10" }, createClock(new Date("2026-03-03T10:00:00Z")));
    const { range, phones } = numbersInFreshRange(5);
    const results = await Promise.all(phones.map((phone) => outcome(sendOtp(ctx, { phone }))));
    expect(results.sort()).toEqual(["rate_limited", "rate_limited", "sent", "sent", "sent"]);
    expect(env.OTP_MAX_SENDS_PER_HOUR).toBe(3);
    const counters = await use().db.otpBudgetCounter.findMany({ where: { key: { in: [range, "*"] } } });
    expect(counters.map((c) => [c.scope, c.count]).sort()).toEqual([["global", 3], ["range", 3]]);
  });

  it("gives the budgets back when otp_begin_send refuses the send (resend cooldown)", async () => {
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "2" }, createClock(new Date("2026-03-04T10:00:00Z")));
    const { range, phones } = numbersInFreshRange(2);
    await sendOtp(ctx, { phone: phones[0] });
    for (let i = 0; i < 5; i++) expect(await outcome(sendOtp(ctx, { phone: phones[0] }))).toBe("rate_limited");
    expect(await outcome(sendOtp(ctx, { phone: phones[1] }))).toBe("sent");
    const traffic = await use().db.otpTraffic.findMany({ where: { scope: "range", key: range } });
    expect(traffic.reduce((n, t) => n + t.sends, 0)).toBe(2);
  });

  it("blocks a range whose codes are not verified, recording sends, verified, rate, baseline, window and end", async () => {
    const clock = createClock(new Date("2026-03-05T10:00:00Z"));
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_GUARD_MIN_SENDS_PER_PREFIX: "5", OTP_GUARD_BLOCK_SECONDS: "1800" }, clock);
    const { range, phones } = numbersInFreshRange(10);
    for (const phone of phones.slice(0, 5)) {
      expect(await outcome(sendOtp(ctx, { phone }))).toBe("sent");
      clock.advance(10);
    }
    const refused = await failure(sendOtp(ctx, { phone: phones[5] }));
    expect(refused.code).toBe("blocked");
    expect(refused.details.retryAfter).toBe(1800);
    const blocks = await use().db.otpBlock.findMany({ where: { scope: "range", key: range } });
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ reason: "conversion", mode: "enforce", sends: 5, verified: 0, rate: 0, baseline: 0, windowSeconds: 3600 });
    expect(blocks[0].endsAt.getTime() - blocks[0].startsAt.getTime()).toBe(1800_000);
    expect(await outcome(sendOtp(ctx, { phone: phones[6] }))).toBe("blocked");
    // After the block, the unverified sends have left the window: the range may send again.
    clock.advance(3600);
    expect(await outcome(sendOtp(ctx, { phone: phones[7] }))).toBe("sent");
  });

  it("judges a range seen for the first time after OTP_GUARD_MIN_SENDS_NEW_PREFIX unverified sends, saying so in the block", async () => {
    const clock = createClock(new Date("2026-03-05T12:00:00Z"));
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_GUARD_MIN_SENDS_PER_PREFIX: "10", OTP_GUARD_MIN_SENDS_NEW_PREFIX: "3" }, clock);
    const { range, phones } = numbersInFreshRange(5);
    for (const phone of phones.slice(0, 3)) expect(await outcome(sendOtp(ctx, { phone }))).toBe("sent");
    expect(await outcome(sendOtp(ctx, { phone: phones[3] }))).toBe("blocked");
    const [block] = await use().db.otpBlock.findMany({ where: { scope: "range", key: range } });
    expect(block).toMatchObject({ reason: "conversion", sends: 3, verified: 0, baseline: 0, note: "new traffic, nothing verified: judged after 3 sends" });
  });

  it("waits for OTP_GUARD_MIN_SENDS_PER_PREFIX when the new range has a verified code or the range has history", async () => {
    const clock = createClock(new Date("2026-03-05T14:00:00Z"));
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_GUARD_MIN_SENDS_PER_PREFIX: "10", OTP_GUARD_MIN_SENDS_NEW_PREFIX: "3" }, clock);
    const verifiedOnce = numbersInFreshRange(6);
    await sendOtp(ctx, { phone: verifiedOnce.phones[0] });
    await verifyOtp(ctx, { phone: verifiedOnce.phones[0], code: lastCodeSentTo(verifiedOnce.phones[0]) });
    for (const phone of verifiedOnce.phones.slice(1)) expect(await outcome(sendOtp(ctx, { phone }))).toBe("sent");
    const known = numbersInFreshRange(6);
    // One send two days ago: the range is not new, so its unverified sends wait for the full minimum.
    await use().db.otpTraffic.create({ data: { scope: "range", key: known.range, bucket: new Date(clock.now().getTime() - 2 * 86_400_000), sends: 1, verified: 1 } });
    for (const phone of known.phones) expect(await outcome(sendOtp(ctx, { phone }))).toBe("sent");
    expect(await use().db.otpBlock.count({ where: { key: { in: [verifiedOnce.range, known.range] } } })).toBe(0);
  });

  it("does not block a range whose codes are verified, however many it sends", async () => {
    const clock = createClock(new Date("2026-03-06T10:00:00Z"));
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_GUARD_MIN_SENDS_PER_PREFIX: "3" }, clock);
    const { range, phones } = numbersInFreshRange(8);
    for (const phone of phones) {
      await sendOtp(ctx, { phone });
      await verifyOtp(ctx, { phone, code: lastCodeSentTo(phone) });
      clock.advance(5);
    }
    expect(await use().db.otpBlock.count({ where: { key: range } })).toBe(0);
    const traffic = await use().db.otpTraffic.findMany({ where: { scope: "range", key: range } });
    expect(traffic.reduce((n, t) => n + t.verified, 0)).toBe(8);
  });

  it("does not block a range whose sends stay within its own baseline", async () => {
    const clock = createClock(new Date("2026-03-07T10:00:00Z"));
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_GUARD_MIN_SENDS_PER_PREFIX: "3", OTP_GUARD_BASELINE_FACTOR: "2" }, clock);
    const { range, phones } = numbersInFreshRange(6);
    // A busy range: 20 sends in each hour of the past day (a baseline of 20 per window).
    await use().db.otpTraffic.createMany({
      data: Array.from({ length: 24 }, (_, h) => ({ scope: "range", key: range, bucket: new Date(clock.now().getTime() - (h + 2) * 3_600_000), sends: 20, verified: 0 })),
    });
    for (const phone of phones) expect(await outcome(sendOtp(ctx, { phone }))).toBe("sent");
    expect(await use().db.otpBlock.count({ where: { key: range } })).toBe(0);
  });

  it("only records the block in monitor mode, and an admin's mode in the database wins over OTP_FRAUD_GUARD", async () => {
    const clock = createClock(new Date("2026-03-08T10:00:00Z"));
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_FRAUD_GUARD: "monitor", OTP_GUARD_MIN_SENDS_PER_PREFIX: "2" }, clock);
    const { range, phones } = numbersInFreshRange(5);
    for (const phone of phones.slice(0, 4)) expect(await outcome(sendOtp(ctx, { phone }))).toBe("sent");
    const blocks = await use().db.otpBlock.findMany({ where: { key: range } });
    expect(blocks).toHaveLength(1);
    expect(blocks[0].mode).toBe("monitor");
    const { db } = use();
    await db.otpGuardSetting.create({ data: { id: 1, mode: "enforce" } });
    try {
      expect(await outcome(sendOtp(ctx, { phone: phones[4] }))).toBe("blocked");
    } finally {
      await db.otpGuardSetting.delete({ where: { id: 1 } });
    }
  });

  it("lets Safe List numbers and ranges through blocks and range budgets", async () => {
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "1" }, createClock(new Date("2026-03-09T10:00:00Z")));
    const a = numbersInFreshRange(4);
    const b = numbersInFreshRange(2);
    await use().db.otpSafeListEntry.createMany({ data: [{ id: "s1", value: a.range }, { id: "s2", value: b.phones[1] }] });
    await use().db.otpBlock.create({ data: { id: "m1", scope: "range", key: a.range, reason: "manual", mode: "enforce", startsAt: ctx.now(), endsAt: new Date(ctx.now().getTime() + 3_600_000) } });
    for (const phone of a.phones) expect(await outcome(sendOtp(ctx, { phone }))).toBe("sent");
    expect(await outcome(sendOtp(ctx, { phone: b.phones[0] }))).toBe("sent");
    expect(await outcome(sendOtp(ctx, { phone: b.phones[1] }))).toBe("sent"); // listed number: past the range's budget of 1
  });

  it("refuses a manually blocked number or country until the block is lifted, whatever the mode", async () => {
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_FRAUD_GUARD: "monitor" }, createClock(new Date("2026-03-10T10:00:00Z")));
    const { phones } = numbersInFreshRange(2);
    const until = new Date(ctx.now().getTime() + 600_000);
    await use().db.otpBlock.create({ data: { id: "n1", scope: "number", key: phones[0], reason: "manual", mode: "enforce", startsAt: ctx.now(), endsAt: until } });
    const refused = await failure(sendOtp(ctx, { phone: phones[0] }));
    expect(refused.toBody().error).toMatchObject({ code: "blocked", retryAfter: 600 });
    expect(await outcome(sendOtp(ctx, { phone: phones[1] }))).toBe("sent");
    await use().db.otpBlock.update({ where: { id: "n1" }, data: { liftedAt: ctx.now() } });
    expect(await outcome(sendOtp(ctx, { phone: phones[0] }))).toBe("sent");
  });

  it("never counts test numbers against budgets (no SMS leaves)", async () => {
    const { ctx } = createTestContext(use().db, { ...GUARD, OTP_MAX_SENDS_PER_HOUR: "1", OTP_TEST_NUMBERS: "+255700000001:123456", OTP_RESEND_COOLDOWN_SECONDS: "0" }, createClock(new Date("2026-03-11T10:00:00Z")));
    for (let i = 0; i < 3; i++) expect(await outcome(sendOtp(ctx, { phone: "+255700000001" }))).toBe("sent");
    expect(await outcome(sendOtp(ctx, { phone: numbersInFreshRange(1).phones[0] }))).toBe("sent");
  });

  it("purges past budget hours, traffic older than the baseline, expired challenges and long-ended blocks, keeping the rest", async () => {
    const { db } = use();
    const now = new Date("2020-05-01T12:30:00Z"); // before every other test's data in this database
    const h = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
    await db.otpBudgetCounter.createMany({ data: [{ scope: "range", key: "+2557999", window: h(3), count: 5 }, { scope: "range", key: "+2557999", window: h(0.5), count: 2 }] });
    await db.otpTraffic.createMany({ data: [{ scope: "range", key: "+2557999", bucket: h(24 * 9), sends: 1 }, { scope: "range", key: "+2557999", bucket: h(24 * 6), sends: 1 }] });
    await db.otpChallengeUse.createMany({ data: [{ signature: "old", expiresAt: h(1) }, { signature: "live", expiresAt: h(-0.1) }] });
    await db.otpBlock.createMany({ data: [
      { id: "old-block", scope: "range", key: "+2557999", reason: "manual", mode: "enforce", startsAt: h(24 * 100), endsAt: h(24 * 99) },
      { id: "new-block", scope: "range", key: "+2557999", reason: "manual", mode: "enforce", startsAt: h(2), endsAt: h(1) },
    ] });
    expect(await purgeGuardData(db, { now, baselineDays: 7, blocksBefore: h(24 * 90) })).toEqual({ budgets: 1, traffic: 1, challenges: 1, blocks: 1 });
    expect(await db.otpBlock.findMany({ where: { key: "+2557999" }, select: { id: true } })).toEqual([{ id: "new-block" }]);
    expect(await db.otpChallengeUse.findMany({ where: { signature: { in: ["old", "live"] } }, select: { signature: true } })).toEqual([{ signature: "live" }]);
  });
});
