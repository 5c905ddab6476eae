import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { Db } from "@/lib/db";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { applyDeliveryStatus, pollMshastraDeliveryReports } from "./delivery-reports";
import { reply, spyOnLogs, startFakeGateway, type FakeGateway, type GatewayHandler } from "./test-gateway";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const PASSWORD = "dlr-pass-77!";
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

type MessageSeed = { provider?: string; providerMessageId?: string | null; status?: "sent" | "failed" | "delivered" | "undelivered"; createdAt?: Date; attempt?: number };

/** A verification with the given SMS attempts, as the OTP engine stores them. */
async function seedVerification(db: Db, messages: MessageSeed[]) {
  const id = randomUUID();
  const phone = uniquePhone();
  const last = messages.at(-1);
  await db.verification.create({
    data: {
      id,
      phone,
      purpose: "Login",
      codeHash: "hash",
      maxAttempts: 5,
      expiresAt: new Date(NOW.getTime() + 300_000),
      smsProvider: last?.provider ?? "mshastra",
      smsStatus: "sent",
      createdAt: messages[0]?.createdAt ?? NOW,
    },
  });
  const rows = [];
  for (const [i, m] of messages.entries()) {
    rows.push(
      await db.smsMessage.create({
        data: {
          verificationId: id,
          provider: m.provider ?? "mshastra",
          attempt: m.attempt ?? i + 1,
          to: phone,
          text: "Your PhoneOTP code is ******.",
          status: m.status ?? "sent",
          providerMessageId: m.providerMessageId === undefined ? `id-${randomUUID()}` : m.providerMessageId,
          createdAt: m.createdAt ?? NOW,
        },
      }),
    );
  }
  return { id, messages: rows };
}

describeEachDatabase("delivery reports", (use) => {
  it("marks a sent message delivered and the verification's SMS status with it", async () => {
    const { db } = use();
    const v = await seedVerification(db, [{ provider: "twilio", providerMessageId: "SMd1" }]);
    const result = await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: "SMd1", status: "delivered", at: NOW });
    expect(result).toEqual({ matched: true, updated: true, verificationUpdated: true });
    expect(await db.smsMessage.findUniqueOrThrow({ where: { id: v.messages[0].id } })).toMatchObject({ status: "delivered", deliveredAt: NOW });
    expect(await db.verification.findUniqueOrThrow({ where: { id: v.id } })).toMatchObject({ smsStatus: "delivered" });
  });

  it("marks a message undelivered with a reason", async () => {
    const { db } = use();
    const v = await seedVerification(db, [{ provider: "twilio", providerMessageId: "SMu1" }]);
    await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: "SMu1", status: "undelivered", errorCode: "invalid_number", errorMessage: "Twilio 30005", at: NOW });
    expect(await db.smsMessage.findUniqueOrThrow({ where: { id: v.messages[0].id } })).toMatchObject({
      status: "undelivered",
      errorCode: "invalid_number",
      errorMessage: "Twilio 30005",
      deliveredAt: null,
    });
    expect((await db.verification.findUniqueOrThrow({ where: { id: v.id } })).smsStatus).toBe("undelivered");
  });

  it("ignores a duplicate receipt and never turns delivered into undelivered", async () => {
    const { db } = use();
    const v = await seedVerification(db, [{ provider: "twilio", providerMessageId: "SMdup" }]);
    await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: "SMdup", status: "delivered", at: NOW });
    expect(await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: "SMdup", status: "delivered", at: ago(-60) })).toMatchObject({ updated: false });
    expect(await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: "SMdup", status: "undelivered", at: NOW })).toMatchObject({ matched: true, updated: false });
    expect(await db.smsMessage.findUniqueOrThrow({ where: { id: v.messages[0].id } })).toMatchObject({ status: "delivered", deliveredAt: NOW });
  });

  it("accepts a late delivery after an undelivered receipt", async () => {
    const { db } = use();
    await seedVerification(db, [{ provider: "twilio", providerMessageId: "SMlate" }]);
    await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: "SMlate", status: "undelivered", at: NOW });
    expect(await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: "SMlate", status: "delivered", at: NOW })).toMatchObject({ updated: true });
  });

  it("leaves the verification alone when the receipt is for an older message than its latest", async () => {
    const { db } = use();
    const v = await seedVerification(db, [
      { provider: "twilio", providerMessageId: "SMold", createdAt: ago(120) },
      { provider: "mshastra", providerMessageId: "new-1", createdAt: ago(60) },
    ]);
    const result = await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: "SMold", status: "undelivered", at: NOW });
    expect(result).toEqual({ matched: true, updated: true, verificationUpdated: false });
    expect((await db.verification.findUniqueOrThrow({ where: { id: v.id } })).smsStatus).toBe("sent");
  });

  it("reports an unknown message id as unmatched without touching anything", async () => {
    const { db } = use();
    expect(await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: "SMnobody", status: "delivered", at: NOW })).toEqual({
      matched: false,
      updated: false,
      verificationUpdated: false,
    });
  });

  it("matches on the provider too, not only on the message id", async () => {
    const { db } = use();
    const v = await seedVerification(db, [{ provider: "mshastra", providerMessageId: "shared-77" }]);
    expect(await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: "shared-77", status: "delivered", at: NOW })).toMatchObject({ matched: false });
    expect((await db.smsMessage.findUniqueOrThrow({ where: { id: v.messages[0].id } })).status).toBe("sent");
  });

  describeMshastraPolling(use);
});

function describeMshastraPolling(use: () => { db: Db }) {
  let dlr: FakeGateway;
  let answer: GatewayHandler;
  let logs: ReturnType<typeof spyOnLogs>;
  beforeAll(async () => {
    dlr = await startFakeGateway((req, res, i) => answer(req, res, i));
  });
  afterAll(() => dlr.close());
  beforeEach(() => {
    dlr.requests.length = 0;
  });
  const config = () => ({ MSHASTRA_DLR_URL: `${dlr.url}/dlr`, MSHASTRA_USER: "dlr-user", MSHASTRA_PASSWORD: PASSWORD });

  it("polls recent sent mShastra messages and records what the gateway says", async () => {
    const { db } = use();
    // Leave the gateway nothing from earlier tests to ask about.
    await db.smsMessage.updateMany({ where: { provider: "mshastra", status: "sent" }, data: { status: "failed" } });
    const delivered = await seedVerification(db, [{ providerMessageId: "m-del", createdAt: ago(120) }]);
    const expired = await seedVerification(db, [{ providerMessageId: "m-exp", createdAt: ago(300) }]);
    const pending = await seedVerification(db, [{ providerMessageId: "m-pend", createdAt: ago(200) }]);
    const silent = await seedVerification(db, [{ providerMessageId: "m-silent", createdAt: ago(100) }]);
    const tooYoung = await seedVerification(db, [{ providerMessageId: "m-young", createdAt: ago(5) }]);
    const tooOld = await seedVerification(db, [{ providerMessageId: "m-old", createdAt: ago(3 * 86_400) }]);
    const otherProvider = await seedVerification(db, [{ provider: "twilio", providerMessageId: "SMx", createdAt: ago(120) }]);
    const failed = await seedVerification(db, [{ providerMessageId: null, status: "failed", createdAt: ago(120) }]);
    answer = (_req, res) => reply(res, 200, "m-del,DELIVRD,2026-03-01 11:59:00\nm-exp,EXPIRED,2026-03-01 11:58:00\nm-pend,PENDING,\n", "text/plain");

    logs = spyOnLogs();
    const result = await pollMshastraDeliveryReports(db, config(), { now: () => NOW });
    logs.restore();

    expect(result).toEqual({ checked: 4, delivered: 1, undelivered: 1, pending: 2, errors: [] });
    expect(dlr.requests).toHaveLength(1);
    const form = new URLSearchParams(dlr.requests[0].body);
    expect(form.get("user")).toBe("dlr-user");
    expect(form.get("pwd")).toBe(PASSWORD);
    expect(form.get("msgid")?.split(",")).toEqual(["m-exp", "m-pend", "m-del", "m-silent"]); // oldest first
    const status = async (v: { messages: { id: string }[] }) => (await db.smsMessage.findUniqueOrThrow({ where: { id: v.messages[0].id } })).status;
    expect(await status(delivered)).toBe("delivered");
    expect(await status(expired)).toBe("undelivered");
    expect((await db.smsMessage.findUniqueOrThrow({ where: { id: expired.messages[0].id } })).errorMessage).toBe("EXPIRED");
    expect(await status(pending)).toBe("sent");
    expect(await status(silent)).toBe("sent");
    expect(await status(tooYoung)).toBe("sent");
    expect(await status(tooOld)).toBe("sent");
    expect(await status(otherProvider)).toBe("sent");
    expect(await status(failed)).toBe("failed");
    expect((await db.verification.findUniqueOrThrow({ where: { id: delivered.id } })).smsStatus).toBe("delivered");
    for (const line of logs.lines) expect(line).not.toContain(PASSWORD);
  });

  it("records a failing delivery-status query as an error without throwing or leaking the password", async () => {
    const { db } = use();
    await seedVerification(db, [{ providerMessageId: "m-err", createdAt: ago(120) }]);
    answer = (_req, res) => reply(res, 500, `crash for pwd=${PASSWORD}`, "text/plain");
    logs = spyOnLogs();
    const result = await pollMshastraDeliveryReports(db, config(), { now: () => NOW });
    logs.restore();
    expect(result.checked).toBe(0);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain("HTTP 500");
    expect(result.errors[0]).not.toContain(PASSWORD);
    for (const line of logs.lines) expect(line).not.toContain(PASSWORD);
  });

  it("does nothing when MSHASTRA_DLR_URL is not set", async () => {
    const { db } = use();
    const result = await pollMshastraDeliveryReports(db, { ...config(), MSHASTRA_DLR_URL: undefined }, { now: () => NOW });
    expect(result).toMatchObject({ checked: 0, skipped: "MSHASTRA_DLR_URL is not set" });
    expect(dlr.requests).toHaveLength(0);
  });
}
