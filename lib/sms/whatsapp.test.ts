import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { closedPortUrl, reply, type GatewayHandler, withFakeGateway } from "./test-gateway";
import type { SmsErrorCode } from "./types";
import { createWhatsAppProvider, validateWhatsAppSignature, type WhatsAppConfig } from "./whatsapp";

const TOKEN = "EAAGwhatsapp-token-77f1";
const CODE = "550371";
const message = { to: "+255712000666", text: `Your PhoneOTP code is ${CODE}.`, purpose: "Login", code: CODE };

const fake = withFakeGateway([CODE, TOKEN]);

function config(extra: Partial<WhatsAppConfig> = {}): WhatsAppConfig {
  return {
    WHATSAPP_API_URL: `${fake.gateway.url}/v21.0`,
    WHATSAPP_TOKEN: TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
    WHATSAPP_TEMPLATE: "otp_login",
    WHATSAPP_TEMPLATE_LANGUAGE: "en_US",
    ...extra,
  };
}
const send = (extra: Partial<WhatsAppConfig> = {}, signal = AbortSignal.timeout(5_000)) => createWhatsAppProvider(config(extra)).send(message, signal);
const graphError = (code: number, msg: string, status = 400) => (_req: unknown, res: Parameters<GatewayHandler>[1]) =>
  reply(res, status, JSON.stringify({ error: { message: msg, type: "OAuthException", code, error_data: { messaging_product: "whatsapp", details: msg }, fbtrace_id: "Az8or2yhqkZfEZ-_4Qn_Bam" } }));

describe("WhatsApp Cloud API provider", () => {
  it("posts the authentication template with the code in the body and the copy-code button, with the Bearer token", async () => {
    fake.answer = (_req, res) =>
      reply(res, 200, JSON.stringify({ messaging_product: "whatsapp", contacts: [{ input: "255712000666", wa_id: "255712000666" }], messages: [{ id: "wamid.HBgLMjU1NzEyMDAwNjY2FQIAERgSQTE=", message_status: "accepted" }] }));
    const result = await send();
    const req = fake.gateway.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v21.0/106540352242922/messages");
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "255712000666",
      type: "template",
      template: {
        name: "otp_login",
        language: { code: "en_US" },
        components: [
          { type: "body", parameters: [{ type: "text", text: CODE }] },
          { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: CODE }] },
        ],
      },
    });
    expect(result).toEqual({ provider: "whatsapp", ok: true, status: "sent", providerMessageId: "wamid.HBgLMjU1NzEyMDAwNjY2FQIAERgSQTE=", httpStatus: 200, transient: false });
  });

  const errors: [number, SmsErrorCode, boolean, number][] = [
    [190, "invalid_credentials", false, 401],
    [131026, "invalid_number", false, 400],
    [131030, "invalid_number", false, 400],
    [132001, "invalid_message", false, 404],
    [132000, "invalid_message", false, 400],
    [131042, "insufficient_credit", false, 400],
    [131056, "rate_limited", true, 400],
    [130429, "rate_limited", true, 400],
    [133010, "sender_invalid", false, 400],
    [368, "account_blocked", false, 400],
  ];
  it.each(errors)("maps Graph error %i to %s (retried: %s)", async (code, errorCode, transient, status) => {
    fake.answer = graphError(code, `Error ${code} details`, status);
    const result = await send();
    expect(result).toMatchObject({ ok: false, status: "failed", errorCode, transient, httpStatus: status });
    expect(result.errorMessage).toMatch(new RegExp(`^WhatsApp ${code}: `));
  });

  it("does not trust a 200 without a message id or an HTML page (unconfirmed), and retries nothing after a 500", async () => {
    fake.answer = (_req, res) => reply(res, 200, JSON.stringify({ messaging_product: "whatsapp" }));
    expect(await send()).toMatchObject({ status: "unconfirmed", errorCode: "bad_response" });
    fake.answer = (_req, res) => reply(res, 200, "<html><title>Facebook</title></html>", "text/html");
    expect(await send()).toMatchObject({ status: "unconfirmed", errorCode: "bad_response" });
    fake.answer = (_req, res) => reply(res, 500, "<html><title>Sorry, something went wrong</title></html>", "text/html");
    expect(await send()).toMatchObject({ status: "unconfirmed", errorCode: "server_error", transient: false });
  });

  it("reports a hung API as an unconfirmed timeout and a closed port as a retried network error", async () => {
    fake.answer = () => {};
    expect(await send({}, AbortSignal.timeout(100))).toMatchObject({ status: "unconfirmed", errorCode: "timeout" });
    expect(await send({ WHATSAPP_API_URL: await closedPortUrl() })).toMatchObject({ status: "failed", errorCode: "network_error", transient: true });
  });
});

describe("validateWhatsAppSignature", () => {
  const body = '{"object":"whatsapp_business_account"}';
  const sign = (secret: string, b: string) => `sha256=${createHmac("sha256", secret).update(b).digest("hex")}`;
  it("accepts Meta's sha256= HMAC of the raw body and refuses a missing, wrong or other-body signature", () => {
    expect(validateWhatsAppSignature("app-secret", body, sign("app-secret", body))).toBe(true);
    expect(validateWhatsAppSignature("app-secret", body, null)).toBe(false);
    expect(validateWhatsAppSignature("app-secret", body, sign("other", body))).toBe(false);
    expect(validateWhatsAppSignature("app-secret", body, sign("app-secret", `${body} `))).toBe(false);
    expect(validateWhatsAppSignature("app-secret", body, "sha256=short")).toBe(false);
  });
});
