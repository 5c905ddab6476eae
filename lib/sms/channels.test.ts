/**
 * Channels end to end on a real database: WhatsApp (a local server answering like the Cloud API),
 * SMS through a local mShastra-speaking server, the signed status webhook, and `auto` falling back
 * from WhatsApp to SMS with the same code — at once for an immediate refusal, later for a
 * "failed" status.
 */
import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { AppError } from "@/lib/api/errors";
import type { Db } from "@/lib/db";
import { sendOtp, verifyOtp, type OtpContext } from "@/lib/otp/service";
import { describeEachDatabase } from "@/test/db";
import { createTestContext } from "@/test/otp-context";
import { openFallbackCode, sealFallbackCode } from "./channels";
import { findCode } from "./console";
import { reply, spyOnLogs, startFakeGateway, type FakeGateway, type GatewayHandler } from "./test-gateway";
import { handleWhatsAppVerify, handleWhatsAppWebhook } from "./whatsapp-webhook";

const APP_SECRET = "whatsapp-app-secret-3d9a";
const VERIFY_TOKEN = "verify-token-e1c2";

let whatsappAnswer: GatewayHandler;
let whatsapp: FakeGateway;
let mshastra: FakeGateway;
let logs: ReturnType<typeof spyOnLogs>;
let wamid = 0;

beforeAll(async () => {
  whatsapp = await startFakeGateway((req, res, i) => whatsappAnswer(req, res, i));
  mshastra = await startFakeGateway((_req, res) => reply(res, 200, JSON.stringify([{ msg_id: `ms${Date.now()}`, str_response: "Send Successful" }])));
});
afterAll(async () => {
  await whatsapp.close();
  await mshastra.close();
});
beforeEach(() => {
  whatsapp.requests.length = 0;
  mshastra.requests.length = 0;
  whatsappAnswer = (_req, res) => reply(res, 200, JSON.stringify({ messaging_product: "whatsapp", messages: [{ id: `wamid.test${++wamid}` }] }));
  logs = spyOnLogs();
});
afterEach(() => logs.restore());

function context(db: Db, vars: Record<string, string> = {}) {
  return createTestContext(db, {
    SMS_PROVIDER: "mshastra",
    MSHASTRA_API_URL: `${mshastra.url}/sendsms_api_json.aspx`,
    MSHASTRA_USER: "u",
    MSHASTRA_PASSWORD: "ms-password-1",
    MSHASTRA_SENDER: "PHONEOTP",
    WHATSAPP_API_URL: `${whatsapp.url}/v21.0`,
    WHATSAPP_TOKEN: "wa-token-123456",
    WHATSAPP_PHONE_NUMBER_ID: "1065403",
    WHATSAPP_TEMPLATE: "otp_login",
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    CHANNEL_ROUTES: "TZ:whatsapp,sms;*:sms",
    SMS_TIMEOUT_MS: "1000",
    OTP_RESEND_COOLDOWN_SECONDS: "0",
    ...vars,
  });
}

function tzPhone(): string {
  return `+25571${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
}

const codeSentByWhatsApp = (i = -1) => JSON.parse(whatsapp.requests.at(i)!.body).template.components[0].parameters[0].text as string;
const codeSentBySms = () => findCode(JSON.parse(mshastra.requests.at(-1)!.body)[0].msg)!;

function statusWebhook(ctx: OtpContext, statuses: object[], opts: { secret?: string | null } = {}) {
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{ id: "WABA1", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "1065403" }, statuses } }] }],
  });
  const secret = opts.secret === undefined ? APP_SECRET : opts.secret;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret) headers["x-hub-signature-256"] = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const req = new Request("http://localhost/api/channels/whatsapp/webhook", { method: "POST", headers, body });
  return handleWhatsAppWebhook(req, { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN }, {
    getDb: async () => ctx.db,
    fallback: async () => ({ db: ctx.db, sms: ctx.sms, now: ctx.now, secret: ctx.config.secret, template: ctx.config.sms, ttlSeconds: ctx.config.ttlSeconds }),
    now: ctx.now,
  });
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describeEachDatabase("channels", (use) => {
  it("sends an auto code by WhatsApp first, keeps it only encrypted, and falls back to SMS with the same code when WhatsApp reports 131026", async () => {
    const { db } = use();
    const { ctx } = context(db);
    const phone = tzPhone();
    const sent = await sendOtp(ctx, { phone, channel: "auto" });
    expect(sent.channel).toBe("whatsapp");
    const code = codeSentByWhatsApp();
    expect(mshastra.requests).toHaveLength(0);
    const row = await db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } });
    expect(row).toMatchObject({ channel: "whatsapp", smsProvider: "whatsapp", smsStatus: "sent" });
    expect(row.fallbackCode).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(code);
    expect(await db.smsMessage.findMany({ where: { verificationId: sent.verificationId } })).toMatchObject([{ channel: "whatsapp", provider: "whatsapp", status: "sent" }]);

    const wamidSent = (await db.smsMessage.findFirstOrThrow({ where: { verificationId: sent.verificationId } })).providerMessageId!;
    const failed = { id: wamidSent, status: "failed", timestamp: "1767268800", recipient_id: phone.slice(1), errors: [{ code: 131026, title: "Message undeliverable" }] };
    expect((await statusWebhook(ctx, [failed])).status).toBe(200);
    expect(mshastra.requests).toHaveLength(1);
    expect(codeSentBySms()).toBe(code);
    const after = await db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } });
    expect(after).toMatchObject({ channel: "sms", smsProvider: "mshastra", smsStatus: "sent", status: "pending", fallbackCode: null });
    const attempts = await db.smsMessage.findMany({ where: { verificationId: sent.verificationId }, orderBy: { createdAt: "asc" } });
    expect(attempts.map((a) => [a.channel, a.provider, a.status, a.errorCode])).toEqual([
      ["whatsapp", "whatsapp", "undelivered", "invalid_number"],
      ["sms", "mshastra", "sent", null],
    ]);

    // Meta repeats webhooks: the same status again sends nothing more.
    await statusWebhook(ctx, [failed]);
    expect(mshastra.requests).toHaveLength(1);
    expect(await verifyOtp(ctx, { phone, code })).toMatchObject({ status: "verified" });
  });

  it("falls back to SMS at once, in the same send, when WhatsApp refuses immediately", async () => {
    const { db } = use();
    whatsappAnswer = (_req, res) => reply(res, 400, JSON.stringify({ error: { message: "Message Undeliverable.", code: 131026 } }));
    const { ctx } = context(db);
    const phone = tzPhone();
    const sent = await sendOtp(ctx, { phone, channel: "auto" });
    expect(sent.channel).toBe("sms");
    expect(codeSentBySms()).toBe(codeSentByWhatsApp());
    const attempts = await db.smsMessage.findMany({ where: { verificationId: sent.verificationId }, orderBy: { createdAt: "asc" } });
    expect(attempts.map((a) => [a.channel, a.provider, a.status, a.errorCode])).toEqual([
      ["whatsapp", "whatsapp", "failed", "invalid_number"],
      ["sms", "mshastra", "sent", null],
    ]);
    expect(await db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } })).toMatchObject({ channel: "sms", fallbackCode: null });
  });

  it("drops the fallback copy once WhatsApp reports the code delivered or read; a later failure sends no SMS", async () => {
    const { db } = use();
    const { ctx } = context(db);
    const sent = await sendOtp(ctx, { phone: tzPhone(), channel: "auto" });
    const id = (await db.smsMessage.findFirstOrThrow({ where: { verificationId: sent.verificationId } })).providerMessageId!;
    await statusWebhook(ctx, [{ id, status: "read", timestamp: "1767268800" }]);
    expect(await db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } })).toMatchObject({ smsStatus: "delivered", fallbackCode: null });
    await statusWebhook(ctx, [{ id, status: "failed", errors: [{ code: 131026 }] }]);
    expect(mshastra.requests).toHaveLength(0);
  });

  it("sends no SMS fallback when the channel was chosen explicitly, nor after the code expired", async () => {
    const { db } = use();
    const { ctx, clock } = context(db);
    const explicit = await sendOtp(ctx, { phone: tzPhone(), channel: "whatsapp" });
    expect((await db.verification.findUniqueOrThrow({ where: { id: explicit.verificationId } })).fallbackCode).toBeNull();
    const auto = await sendOtp(ctx, { phone: tzPhone(), channel: "auto" });
    const ids = await db.smsMessage.findMany({ where: { verificationId: { in: [explicit.verificationId, auto.verificationId] } } });
    clock.advance(301);
    await statusWebhook(ctx, ids.map((m) => ({ id: m.providerMessageId, status: "failed", errors: [{ code: 131026 }] })));
    expect(mshastra.requests).toHaveLength(0);
  });

  it("answers sms_failed for an explicit WhatsApp send WhatsApp refuses, without an SMS", async () => {
    const { db } = use();
    whatsappAnswer = (_req, res) => reply(res, 400, JSON.stringify({ error: { message: "Message Undeliverable.", code: 131026 } }));
    const { ctx } = context(db);
    expect((await rejection(sendOtp(ctx, { phone: tzPhone(), channel: "whatsapp" }))).code).toBe("sms_failed");
    expect(mshastra.requests).toHaveLength(0);
  });

  it("uses the catch-all route for auto outside the listed countries, and refuses a channel that is not configured with 400", async () => {
    const { db } = use();
    const { ctx } = context(db);
    expect((await sendOtp(ctx, { phone: "+254711" + String(Math.floor(Math.random() * 1e6)).padStart(6, "0"), channel: "auto" })).channel).toBe("sms");
    expect(whatsapp.requests).toHaveLength(0);
    const refused = await rejection(sendOtp(ctx, { phone: tzPhone(), channel: "voice" }));
    expect(refused).toMatchObject({ code: "validation_error", details: { fields: { channel: expect.stringMatching(/Voice calls is not available/) } } });
    expect(mshastra.requests).toHaveLength(1);
  });

  it("refuses unsigned and mis-signed status webhooks with 403 and logs them, changing nothing", async () => {
    const { db } = use();
    const { ctx } = context(db);
    const sent = await sendOtp(ctx, { phone: tzPhone(), channel: "auto" });
    const id = (await db.smsMessage.findFirstOrThrow({ where: { verificationId: sent.verificationId } })).providerMessageId!;
    for (const secret of [null, "not-the-app-secret"]) {
      const error = await rejection(statusWebhook(ctx, [{ id, status: "failed", errors: [{ code: 131026 }] }], { secret }));
      expect(error).toMatchObject({ code: "forbidden" });
    }
    expect(logs.lines.filter((l) => l.includes("whatsapp webhook refused"))).toHaveLength(2);
    expect(mshastra.requests).toHaveLength(0);
    expect((await db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } })).smsStatus).toBe("sent");
  });
});

it("answers Meta's verify-token handshake with the challenge, and 403 for a wrong token", async () => {
  const config = { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN };
  const url = (token: string) => `http://localhost/api/channels/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`;
  const ok = handleWhatsAppVerify(new Request(url(VERIFY_TOKEN)), config);
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe("1158201444");
  expect(() => handleWhatsAppVerify(new Request(url("wrong")), config)).toThrow(expect.objectContaining({ code: "forbidden" }));
});

it("binds the fallback copy to its verification: it opens only with the same secret and id", () => {
  const sealed = sealFallbackCode("s".repeat(32), "ver-1", "123456");
  expect(sealed).not.toContain("123456");
  expect(openFallbackCode("s".repeat(32), "ver-1", sealed)).toBe("123456");
  expect(openFallbackCode("s".repeat(32), "ver-2", sealed)).toBeUndefined();
  expect(openFallbackCode("t".repeat(32), "ver-1", sealed)).toBeUndefined();
});
