/**
 * The "done when": with SMS_PROVIDER=mshastra pointed at a server speaking that API, the OTP
 * engine sends real HTTP requests in that format; a failing gateway yields a failed verification,
 * a stored reason and a clear API error; receipts update what the admin sees. Nothing stored or
 * logged carries the code or a credential.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { AppError } from "@/lib/api/errors";
import type { Db } from "@/lib/db";
import { sendOtp, verifyOtp } from "@/lib/otp/service";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { createTestContext } from "@/test/otp-context";
import { findCode } from "./console";
import { applyDeliveryStatus } from "./delivery-reports";
import { reply, spyOnLogs, startFakeGateway, type FakeGateway, type GatewayHandler } from "./test-gateway";

const PASSWORD = "e2e-mshastra-Pa55";
const TWILIO_TOKEN = "e2e-twilio-token-91ad";

let mshastraAnswer: GatewayHandler;
let twilioAnswer: GatewayHandler;
let mshastra: FakeGateway;
let twilio: FakeGateway;
let logs: ReturnType<typeof spyOnLogs>;

beforeAll(async () => {
  mshastra = await startFakeGateway((req, res, i) => mshastraAnswer(req, res, i));
  twilio = await startFakeGateway((req, res, i) => twilioAnswer(req, res, i));
});
afterAll(async () => {
  await mshastra.close();
  await twilio.close();
});
beforeEach(() => {
  mshastra.requests.length = 0;
  twilio.requests.length = 0;
  twilioAnswer = (_req, res) => reply(res, 201, JSON.stringify({ sid: `SM${Date.now()}` }));
  logs = spyOnLogs();
});
afterEach(() => logs.restore());

function context(db: Db, vars: Record<string, string> = {}) {
  return createTestContext(db, {
    SMS_PROVIDER: "mshastra",
    MSHASTRA_API_URL: `${mshastra.url}/sendsms_api_json.aspx`,
    MSHASTRA_USER: "e2e-user",
    MSHASTRA_PASSWORD: PASSWORD,
    MSHASTRA_SENDER: "PHONEOTP",
    TWILIO_API_URL: twilio.url,
    TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000e2e",
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    TWILIO_FROM: "+15005550006",
    SMS_TIMEOUT_MS: "1000",
    OTP_RESEND_COOLDOWN_SECONDS: "0",
    LOG_LEVEL: "debug",
    ...vars,
  });
}

/** The code as the gateway received it (the only place it may appear). */
function codeSentTo(gateway: FakeGateway): string {
  const req = gateway.requests.at(-1)!;
  const text = req.headers["content-type"]?.includes("json") ? JSON.parse(req.body)[0].msg : new URLSearchParams(req.body).get("Body")!;
  return findCode(text)!;
}

async function expectNothingLeaked(db: Db, verificationId: string, code: string) {
  const rows = JSON.stringify([
    await db.verification.findUniqueOrThrow({ where: { id: verificationId } }),
    await db.smsMessage.findMany({ where: { verificationId } }),
  ]);
  for (const secret of [code, PASSWORD, TWILIO_TOKEN]) {
    expect(rows).not.toContain(secret);
    for (const line of logs.lines) expect(line).not.toContain(secret);
  }
}

async function smsFailure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describeEachDatabase("OTP over a real mShastra-speaking server", (use) => {
  it("sends the mShastra JSON request, stores the attempt with the code masked, and the code verifies", async () => {
    const { db } = use();
    mshastraAnswer = (_req, res) => reply(res, 200, JSON.stringify([{ msg_id: "880001", number: "x", str_response: "Send Successful" }]));
    const { ctx } = context(db);
    const phone = uniquePhone();
    const sent = await sendOtp(ctx, { phone });
    const body = JSON.parse(mshastra.requests[0].body);
    expect(body).toEqual([{ user: "e2e-user", pwd: PASSWORD, number: phone.slice(1), sender: "PHONEOTP", msg: expect.stringMatching(/^Msimbo wako wa PhoneOTP ni \d{6}\./), language: "Unicode" }]);
    const code = codeSentTo(mshastra);
    const rows = await db.smsMessage.findMany({ where: { verificationId: sent.verificationId } });
    expect(rows).toMatchObject([{ provider: "mshastra", attempt: 1, status: "sent", providerMessageId: "880001", httpStatus: 200, to: phone, text: "Msimbo wako wa PhoneOTP ni ******. Muda wake unaisha baada ya dakika 5. Usimpe mtu yeyote msimbo huu." }]);
    await expectNothingLeaked(db, sent.verificationId, code);
    expect(await verifyOtp(ctx, { phone, code })).toMatchObject({ status: "verified" });
  });

  it("marks the verification failed and keeps the gateway's reason when credit has run out", async () => {
    const { db } = use();
    mshastraAnswer = (_req, res) => reply(res, 200, JSON.stringify([{ msg_id: "", number: "x", str_response: "No More Credits" }]));
    const { ctx } = context(db);
    const phone = uniquePhone();
    const error = await smsFailure(sendOtp(ctx, { phone }));
    expect(error.code).toBe("sms_failed");
    expect(error.status).toBe(502);
    const verification = await db.verification.findFirstOrThrow({ where: { phone } });
    expect(verification).toMatchObject({ status: "failed", smsStatus: "failed", smsProvider: "mshastra" });
    expect(await db.smsMessage.findMany({ where: { verificationId: verification.id } })).toMatchObject([
      { provider: "mshastra", attempt: 1, status: "failed", errorCode: "insufficient_credit", errorMessage: "No More Credits", httpStatus: 200, providerMessageId: null },
    ]);
    await expectNothingLeaked(db, verification.id, codeSentTo(mshastra));
  });

  it("stores every retry and the failover to Twilio", async () => {
    const { db } = use();
    mshastraAnswer = (_req, res) => reply(res, 503, "<html><title>503 Service Unavailable</title></html>", "text/html");
    const { ctx } = context(db, { SMS_PROVIDER: "mshastra,twilio", SMS_MAX_RETRIES: "1" });
    const sent = await sendOtp(ctx, { phone: uniquePhone() });
    const rows = await db.smsMessage.findMany({ where: { verificationId: sent.verificationId }, orderBy: [{ createdAt: "asc" }, { provider: "asc" }, { attempt: "asc" }] });
    expect(rows.map((r) => [r.provider, r.attempt, r.status, r.errorCode, r.httpStatus])).toEqual([
      ["mshastra", 1, "failed", "server_error", 503],
      ["mshastra", 2, "failed", "server_error", 503],
      ["twilio", 1, "sent", null, 201],
    ]);
    expect(await db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } })).toMatchObject({ smsProvider: "twilio", smsStatus: "sent", status: "pending" });
    await expectNothingLeaked(db, sent.verificationId, codeSentTo(twilio));

    // Twilio's receipt then reaches what the admin sees.
    const sid = rows[2].providerMessageId!;
    await applyDeliveryStatus(db, { provider: "twilio", providerMessageId: sid, status: "delivered", at: new Date() });
    expect((await db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } })).smsStatus).toBe("delivered");
  });

  it("records a hung gateway as unconfirmed: the code stays valid, the API says so, and the send counts", async () => {
    const { db } = use();
    let held = "";
    mshastraAnswer = (req) => {
      held = JSON.parse(req.body)[0].msg; // "delivers" it, but answers too late
    };
    const { ctx } = context(db, { SMS_TIMEOUT_MS: "150", SMS_MAX_RETRIES: "2", OTP_RESEND_COOLDOWN_SECONDS: "30" });
    const phone = uniquePhone();
    const sent = await sendOtp(ctx, { phone });
    expect(sent).toMatchObject({ status: "sent", delivery: "unconfirmed" });
    expect(mshastra.requests).toHaveLength(1);
    const verification = await db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } });
    expect(verification).toMatchObject({ status: "pending", smsStatus: "unconfirmed", smsProvider: "mshastra" });
    expect(await db.smsMessage.findMany({ where: { verificationId: verification.id } })).toMatchObject([{ status: "unconfirmed", errorCode: "timeout" }]);
    // The resend cooldown applies as after a sent code: no second SMS to this number now.
    expect((await smsFailure(sendOtp(ctx, { phone }))).code).toBe("rate_limited");
    expect(mshastra.requests).toHaveLength(1);
    // The code that did arrive works.
    expect(await verifyOtp(ctx, { phone, code: findCode(held)! })).toMatchObject({ status: "verified" });
  });

  it("puts at most one SMS into a gateway slower than SMS_TIMEOUT_MS per send request (8 sends, limits off)", async () => {
    const { db } = use();
    mshastraAnswer = (_req, res) => {
      setTimeout(() => reply(res, 200, JSON.stringify([{ msg_id: "late", str_response: "Send Successful" }])), 400);
    };
    const { ctx } = context(db, {
      SMS_PROVIDER: "mshastra,twilio",
      SMS_TIMEOUT_MS: "100",
      SMS_MAX_RETRIES: "2",
      OTP_MAX_SENDS_PER_PHONE_PER_HOUR: "0",
      OTP_MAX_SENDS_PER_PHONE_PER_DAY: "0",
    });
    const phone = uniquePhone();
    for (let i = 0; i < 8; i++) await sendOtp(ctx, { phone, ip: "203.0.113.80" });
    expect(mshastra.requests).toHaveLength(8);
    expect(twilio.requests).toHaveLength(0);
  });

  it("counts unconfirmed sends toward the per-phone hourly limit (a slow gateway cannot be pumped)", async () => {
    const { db } = use();
    mshastraAnswer = () => {};
    const { ctx } = context(db, { SMS_TIMEOUT_MS: "100", OTP_MAX_SENDS_PER_PHONE_PER_HOUR: "3" });
    const phone = uniquePhone();
    for (let i = 0; i < 3; i++) expect(await sendOtp(ctx, { phone })).toMatchObject({ delivery: "unconfirmed" });
    const refused = await smsFailure(sendOtp(ctx, { phone }));
    expect(refused.code).toBe("rate_limited");
    expect(mshastra.requests).toHaveLength(3);
  });

  it("still does not count a send every provider definitely refused (the user may ask again at once)", async () => {
    const { db } = use();
    mshastraAnswer = (_req, res) => reply(res, 200, JSON.stringify([{ str_response: "Invalid Mobile No." }]));
    const { ctx } = context(db, { OTP_RESEND_COOLDOWN_SECONDS: "30" });
    const phone = uniquePhone();
    expect((await smsFailure(sendOtp(ctx, { phone }))).code).toBe("sms_failed");
    expect((await smsFailure(sendOtp(ctx, { phone }))).code).toBe("sms_failed");
    expect(mshastra.requests).toHaveLength(2);
  });
});

describeEachDatabase("OTP over a real Africa's Talking-speaking server, routed per country", (use) => {
  it("sends a Kenyan number through Africa's Talking (SMS_ROUTES), stores its messageId, and the code verifies", async () => {
    const { db } = use();
    const at = await startFakeGateway((req, res) => {
      const to = new URLSearchParams(req.body).get("to");
      reply(res, 201, JSON.stringify({ SMSMessageData: { Message: "Sent to 1/1 Total Cost: KES 0.8000", Recipients: [{ statusCode: 101, number: to, status: "Success", cost: "KES 0.8000", messageId: "ATXid_e2e" }] } }));
    });
    try {
      const { ctx } = context(db, { SMS_ROUTES: "KE:africastalking,mshastra;*:mshastra", AT_API_URL: at.url, AT_USERNAME: "sandbox", AT_API_KEY: "atsk_e2e_key_123" });
      const phone = "+25471" + String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
      const sent = await sendOtp(ctx, { phone });
      expect(at.requests).toHaveLength(1);
      expect(mshastra.requests).toHaveLength(0);
      const text = new URLSearchParams(at.requests[0].body).get("message")!;
      expect(await db.smsMessage.findMany({ where: { verificationId: sent.verificationId } })).toMatchObject([{ provider: "africastalking", status: "sent", providerMessageId: "ATXid_e2e" }]);
      expect(await db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } })).toMatchObject({ smsProvider: "africastalking", smsStatus: "sent" });
      expect(await verifyOtp(ctx, { phone, code: findCode(text)! })).toMatchObject({ status: "verified" });
    } finally {
      await at.close();
    }
  });
});
