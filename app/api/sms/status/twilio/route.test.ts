import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { getVerificationDetail } from "@/lib/admin/verifications";
import { adminActor } from "@/lib/admin/testing";
import { sendOtp } from "@/lib/otp/service";
import { computeTwilioSignature } from "@/lib/sms/twilio";
import { reply, startFakeGateway, type FakeGateway } from "@/lib/sms/test-gateway";
import { describeEachDatabase, uniquePhone, type TestDatabase } from "@/test/db";
import { createTestContext } from "@/test/otp-context";
import { POST } from "./route";

const TOKEN = "route-test-twilio-token";
const CALLBACK_URL = "https://otp.example.com/api/sms/status/twilio";

// env() parses process.env once, on first use: stub it before any handler runs.
for (const [key, value] of Object.entries({
  NODE_ENV: "test",
  OTP_SECRET: "route-test-otp-secret-0123456789abcdef",
  NEXTAUTH_SECRET: "route-test-nextauth-secret-0123456789ab",
  SMS_PROVIDER: "console",
  TWILIO_AUTH_TOKEN: TOKEN,
  TWILIO_STATUS_CALLBACK_URL: CALLBACK_URL,
  LOG_LEVEL: "error",
})) vi.stubEnv(key, value);

function callback(params: Record<string, string>, opts: { signature?: string | null; contentType?: string; body?: string } = {}) {
  const signature = opts.signature === undefined ? computeTwilioSignature(TOKEN, CALLBACK_URL, params) : opts.signature;
  return new Request("http://internal:3000/api/sms/status/twilio", {
    method: "POST",
    headers: {
      "content-type": opts.contentType ?? "application/x-www-form-urlencoded",
      ...(signature !== null && { "x-twilio-signature": signature }),
    },
    body: opts.body ?? new URLSearchParams(params).toString(),
  });
}

async function seedTwilioMessage(db: TestDatabase["db"], sid: string) {
  const id = randomUUID();
  await db.verification.create({
    data: { id, phone: uniquePhone(), purpose: "Login", codeHash: "h", maxAttempts: 5, expiresAt: new Date(Date.now() + 300_000), smsProvider: "twilio", smsStatus: "sent" },
  });
  const message = await db.smsMessage.create({
    data: { verificationId: id, provider: "twilio", attempt: 1, to: "+14155550100", text: "code ******", status: "sent", providerMessageId: sid },
  });
  return { verificationId: id, messageId: message.id };
}

describeEachDatabase("POST /api/sms/status/twilio", (use) => {
  // A local server answering like Twilio's Calls API, for the voice channel's callbacks.
  let twilio: FakeGateway;
  let calls = 0;
  beforeAll(async () => {
    // Point the app's database singleton (lib/db.ts) at this suite's database.
    (globalThis as { __otpDb?: Promise<unknown> }).__otpDb = Promise.resolve(use());
    twilio = await startFakeGateway((_req, res) => reply(res, 201, JSON.stringify({ sid: `CAroute${++calls}${Date.now()}`, status: "queued" })));
  });
  afterAll(() => twilio.close());

  /** A real voice send (sendOtp, channel voice) through the local Twilio: the verification and the call sid Twilio answered. */
  async function placeCall(db: TestDatabase["db"]) {
    const { ctx } = createTestContext(db, {
      TWILIO_API_URL: twilio.url,
      TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef",
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_VOICE_FROM: "+15005550006",
      TWILIO_STATUS_CALLBACK_URL: CALLBACK_URL,
    });
    const sent = await sendOtp(ctx, { phone: uniquePhone(), purpose: "Login", channel: "voice" });
    const request = new URLSearchParams(twilio.requests.at(-1)!.body);
    const sid = (await db.smsMessage.findFirstOrThrow({ where: { verificationId: sent.verificationId } })).providerMessageId!;
    return { verificationId: sent.verificationId, sid, statusCallback: request.get("StatusCallback") };
  }

  it("records a voice call's final status from Twilio's signed call callback, shown in the admin detail", async () => {
    const { db } = use();
    const busy = await placeCall(db);
    expect(busy.statusCallback).toBe(CALLBACK_URL);
    const call = { AccountSid: "AC0123456789abcdef0123456789abcdef", CallSid: busy.sid, From: "+15005550006", To: "+14155550142", Direction: "outbound-api", ApiVersion: "2010-04-01" };
    // Ringing is not final: nothing changes.
    expect((await POST(callback({ ...call, CallStatus: "ringing" }))).status).toBe(204);
    expect((await db.smsMessage.findFirstOrThrow({ where: { verificationId: busy.verificationId } })).status).toBe("sent");
    expect((await POST(callback({ ...call, CallStatus: "busy", CallDuration: "0" }))).status).toBe(204);
    const detail = await getVerificationDetail(await adminActor(db), db, busy.verificationId);
    expect(detail.smsMessages).toEqual([expect.objectContaining({ provider: "twilio_voice", channel: "voice", status: "undelivered", errorCode: "busy", errorMessage: "Twilio call busy" })]);
    expect((await db.verification.findUniqueOrThrow({ where: { id: busy.verificationId } })).smsStatus).toBe("undelivered");

    const answered = await placeCall(db);
    expect((await POST(callback({ ...call, CallSid: answered.sid, CallStatus: "completed", CallDuration: "17" }))).status).toBe(204);
    expect((await getVerificationDetail(await adminActor(db), db, answered.verificationId)).smsMessages[0]).toMatchObject({ status: "delivered", errorCode: null });
  });

  it("refuses a call callback with a wrong signature and leaves the call as it was", async () => {
    const { db } = use();
    const placed = await placeCall(db);
    const params = { CallSid: placed.sid, CallStatus: "no-answer" };
    expect((await POST(callback(params, { signature: computeTwilioSignature("not-the-token", CALLBACK_URL, params) }))).status).toBe(403);
    expect((await db.smsMessage.findFirstOrThrow({ where: { verificationId: placed.verificationId } })).status).toBe("sent");
    expect((await POST(callback(params))).status).toBe(204);
    expect(await db.smsMessage.findFirstOrThrow({ where: { verificationId: placed.verificationId } })).toMatchObject({ status: "undelivered", errorCode: "no_answer" });
  });

  it("records a signed 'delivered' callback and answers 204", async () => {
    const { db } = use();
    const seeded = await seedTwilioMessage(db, "SMroute1");
    const res = await POST(callback({ MessageSid: "SMroute1", MessageStatus: "delivered", AccountSid: "AC1", To: "+14155550100" }));
    expect(res.status).toBe(204);
    expect((await db.smsMessage.findUniqueOrThrow({ where: { id: seeded.messageId } })).status).toBe("delivered");
    expect((await db.verification.findUniqueOrThrow({ where: { id: seeded.verificationId } })).smsStatus).toBe("delivered");
  });

  it("records 'failed' as undelivered with the mapped Twilio error", async () => {
    const { db } = use();
    const seeded = await seedTwilioMessage(db, "SMroute2");
    const res = await POST(callback({ MessageSid: "SMroute2", MessageStatus: "failed", ErrorCode: "30005" }));
    expect(res.status).toBe(204);
    expect(await db.smsMessage.findUniqueOrThrow({ where: { id: seeded.messageId } })).toMatchObject({
      status: "undelivered",
      errorCode: "invalid_number",
      errorMessage: "Twilio 30005",
    });
  });

  it("acknowledges intermediate statuses and unknown messages without changing anything", async () => {
    const { db } = use();
    const seeded = await seedTwilioMessage(db, "SMroute3");
    expect((await POST(callback({ MessageSid: "SMroute3", MessageStatus: "sent" }))).status).toBe(204);
    expect((await POST(callback({ MessageSid: "SMnobody", MessageStatus: "delivered" }))).status).toBe(204);
    expect((await db.smsMessage.findUniqueOrThrow({ where: { id: seeded.messageId } })).status).toBe("sent");
  });

  it("answers 403 in the API's error shape for a wrong or missing signature, and changes nothing", async () => {
    const { db } = use();
    const seeded = await seedTwilioMessage(db, "SMroute4");
    const params = { MessageSid: "SMroute4", MessageStatus: "delivered" };
    const forged = await POST(callback(params, { signature: computeTwilioSignature("not-the-token", CALLBACK_URL, params) }));
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({ error: { code: "forbidden", message: expect.any(String) } });
    expect((await POST(callback(params, { signature: null }))).status).toBe(403);
    // Signed for the request URL instead of the configured callback URL: refused.
    expect((await POST(callback(params, { signature: computeTwilioSignature(TOKEN, "http://internal:3000/api/sms/status/twilio", params) }))).status).toBe(403);
    expect((await db.smsMessage.findUniqueOrThrow({ where: { id: seeded.messageId } })).status).toBe("sent");
  });

  it("refuses a JSON body with 415 and an oversized body with 413", async () => {
    const json = await POST(callback({}, { contentType: "application/json", body: "{}" }));
    expect(json.status).toBe(415);
    const big = await POST(callback({}, { body: `Body=${"x".repeat(20_000)}` }));
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe("payload_too_large");
  });
});
