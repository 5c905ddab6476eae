import { randomUUID } from "node:crypto";
import { beforeAll, expect, it, vi } from "vitest";
import { describeEachDatabase, uniquePhone, type TestDatabase } from "@/test/db";
import { POST } from "./route";

const TOKEN = "at-callback-token-8c1d";

// env() parses process.env once, on first use: stub it before any handler runs.
for (const [key, value] of Object.entries({
  NODE_ENV: "test",
  OTP_SECRET: "route-test-otp-secret-0123456789abcdef",
  NEXTAUTH_SECRET: "route-test-nextauth-secret-0123456789ab",
  SMS_PROVIDER: "africastalking",
  AT_USERNAME: "sandbox",
  AT_API_KEY: "atsk_route_test_key",
  AT_CALLBACK_TOKEN: TOKEN,
  LOG_LEVEL: "error",
})) vi.stubEnv(key, value);

function callback(params: Record<string, string>, token: string | null = TOKEN) {
  return new Request(`http://internal:3000/api/sms/status/africastalking${token === null ? "" : `?token=${token}`}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
}

async function seedAtMessage(db: TestDatabase["db"], messageId: string) {
  const id = randomUUID();
  await db.verification.create({
    data: { id, phone: uniquePhone(), purpose: "Login", codeHash: "h", maxAttempts: 5, expiresAt: new Date(Date.now() + 300_000), smsProvider: "africastalking", smsStatus: "sent" },
  });
  const message = await db.smsMessage.create({
    data: { verificationId: id, provider: "africastalking", attempt: 1, to: "+254711000555", text: "code ******", status: "sent", providerMessageId: messageId },
  });
  return { verificationId: id, messageId: message.id };
}

describeEachDatabase("POST /api/sms/status/africastalking", (use) => {
  beforeAll(() => {
    (globalThis as { __otpDb?: Promise<unknown> }).__otpDb = Promise.resolve(use());
  });

  it("records a 'Success' delivery report as delivered and answers 204", async () => {
    const { db } = use();
    const seeded = await seedAtMessage(db, "ATXid_dlr1");
    const res = await POST(callback({ id: "ATXid_dlr1", status: "Success", phoneNumber: "+254711000555", networkCode: "63902", retryCount: "0" }));
    expect(res.status).toBe(204);
    expect((await db.smsMessage.findUniqueOrThrow({ where: { id: seeded.messageId } })).status).toBe("delivered");
    expect((await db.verification.findUniqueOrThrow({ where: { id: seeded.verificationId } })).smsStatus).toBe("delivered");
  });

  it("records 'Failed' with its failureReason as undelivered with the mapped reason", async () => {
    const { db } = use();
    const seeded = await seedAtMessage(db, "ATXid_dlr2");
    expect((await POST(callback({ id: "ATXid_dlr2", status: "Failed", failureReason: "UserInBlackList" }))).status).toBe(204);
    expect(await db.smsMessage.findUniqueOrThrow({ where: { id: seeded.messageId } })).toMatchObject({
      status: "undelivered",
      errorCode: "dnd_number",
      errorMessage: "Africa's Talking Failed: UserInBlackList",
    });
  });

  it("acknowledges an intermediate status (Buffered) without changing anything", async () => {
    const { db } = use();
    const seeded = await seedAtMessage(db, "ATXid_dlr3");
    expect((await POST(callback({ id: "ATXid_dlr3", status: "Buffered" }))).status).toBe(204);
    expect((await db.smsMessage.findUniqueOrThrow({ where: { id: seeded.messageId } })).status).toBe("sent");
  });

  it("refuses a callback without the configured token with 403, changing nothing", async () => {
    const { db } = use();
    const seeded = await seedAtMessage(db, "ATXid_dlr4");
    for (const token of [null, "wrong-token-value-xx"]) {
      const res = await POST(callback({ id: "ATXid_dlr4", status: "Failed" }, token));
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
    expect((await db.smsMessage.findUniqueOrThrow({ where: { id: seeded.messageId } })).status).toBe("sent");
  });

  it("answers 415 for a body that is not a form", async () => {
    const res = await POST(new Request(`http://internal/api/sms/status/africastalking?token=${TOKEN}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }));
    expect(res.status).toBe(415);
  });
});
