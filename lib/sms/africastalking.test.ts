import { describe, expect, it } from "vitest";
import { createAfricasTalkingProvider, type AfricasTalkingConfig } from "./africastalking";
import { createSmsSender } from "./sender";
import { closedPortUrl, reply, startFakeGateway, testEnv, withFakeGateway } from "./test-gateway";
import type { SmsErrorCode } from "./types";

const API_KEY = "atsk_0f3b9c2d7e1a4b5c6d7e8f90a1b2c3d4";
const CODE = "482913";
const message = { to: "+254711000222", text: `Your PhoneOTP code is ${CODE}.`, purpose: "Login" };

const fake = withFakeGateway([CODE, API_KEY]);

function config(extra: Partial<AfricasTalkingConfig> = {}): AfricasTalkingConfig {
  return { AT_API_URL: fake.gateway.url, AT_USERNAME: "sandbox", AT_API_KEY: API_KEY, AT_SENDER_ID: "PHONEOTP", ...extra };
}
const send = (extra: Partial<AfricasTalkingConfig> = {}, signal = AbortSignal.timeout(5_000)) => createAfricasTalkingProvider(config(extra)).send(message, signal);

/** An answer shaped like Africa's Talking's: SMSMessageData with one recipient. */
function atAnswer(statusCode: number, status: string, messageId = statusCode < 200 ? "ATXid_5a1b" : "None") {
  const cost = statusCode < 200 ? "KES 0.8000" : "0";
  return JSON.stringify({
    SMSMessageData: {
      Message: `Sent to ${statusCode < 200 ? 1 : 0}/1 Total Cost: ${cost}`,
      Recipients: [{ statusCode, number: message.to, status, cost, messageId }],
    },
  });
}

describe("Africa's Talking provider", () => {
  it("posts a form to {AT_API_URL}/version1/messaging with the apiKey header and reads the recipient's messageId", async () => {
    fake.answer = (_req, res) => reply(res, 201, atAnswer(101, "Success"));
    const result = await send();
    const req = fake.gateway.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/version1/messaging");
    expect(req.headers.apikey).toBe(API_KEY);
    expect(req.headers.accept).toBe("application/json");
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ username: "sandbox", to: message.to, message: message.text, from: "PHONEOTP" });
    expect(result).toEqual({ provider: "africastalking", ok: true, status: "sent", providerMessageId: "ATXid_5a1b", httpStatus: 201, transient: false });
  });

  it("omits `from` when no sender id is configured (the account's default is used)", async () => {
    fake.answer = (_req, res) => reply(res, 201, atAnswer(102, "Queued"));
    expect(await send({ AT_SENDER_ID: undefined })).toMatchObject({ ok: true, providerMessageId: "ATXid_5a1b" });
    expect(new URLSearchParams(fake.gateway.requests[0].body).has("from")).toBe(false);
  });

  const refusals: [number, string, SmsErrorCode, boolean][] = [
    [401, "RiskHold", "account_blocked", false],
    [402, "InvalidSenderId", "sender_invalid", false],
    [403, "InvalidPhoneNumber", "invalid_number", false],
    [404, "UnsupportedNumberType", "invalid_number", false],
    [405, "InsufficientBalance", "insufficient_credit", false],
    [406, "UserInBlacklist", "dnd_number", false],
    [407, "CouldNotRoute", "country_not_enabled", false],
    [409, "DoNotDisturbRejection", "dnd_number", false],
    [500, "InternalServerError", "server_error", true],
    [501, "GatewayError", "server_error", true],
    [502, "RejectedByGateway", "unknown", false],
  ];
  it.each(refusals)("maps recipient statusCode %i (%s) to %s, retried: %s", async (code, status, errorCode, transient) => {
    fake.answer = (_req, res) => reply(res, 201, atAnswer(code, status));
    expect(await send()).toMatchObject({ ok: false, status: "failed", errorCode, transient, errorMessage: `${status} (${code})`, httpStatus: 201 });
  });

  it("treats an accepted status without a messageId as unconfirmed (never retried)", async () => {
    fake.answer = (_req, res) => reply(res, 201, atAnswer(101, "Success", "None"));
    expect(await send()).toMatchObject({ ok: false, status: "unconfirmed", errorCode: "bad_response" });
  });

  it("reads the plain-text 401 'The supplied authentication is invalid' as invalid credentials", async () => {
    fake.answer = (_req, res) => reply(res, 401, "The supplied authentication is invalid", "text/plain");
    expect(await send()).toMatchObject({ ok: false, status: "failed", errorCode: "invalid_credentials", transient: false, httpStatus: 401 });
  });

  it("reads a 400 'Invalid phone number' as an invalid number", async () => {
    fake.answer = (_req, res) => reply(res, 400, "Invalid phone number", "text/plain");
    expect(await send()).toMatchObject({ ok: false, errorCode: "invalid_number", httpStatus: 400 });
  });

  it("does not trust an HTML page answered with HTTP 200 (unconfirmed), and reports a 404 HTML page as not sent", async () => {
    fake.answer = (_req, res) => reply(res, 200, "<html><title>Maintenance</title></html>", "text/html");
    expect(await send()).toMatchObject({ ok: false, status: "unconfirmed", errorCode: "bad_response", errorMessage: "HTML page (HTTP 200): Maintenance" });
    fake.answer = (_req, res) => reply(res, 404, "<html><title>Not Found</title></html>", "text/html");
    expect(await send()).toMatchObject({ ok: false, status: "failed", errorCode: "bad_response", transient: false });
  });

  it("retries a 503 and a 429, but not a 500 page (the gateway may have queued it)", async () => {
    fake.answer = (_req, res) => reply(res, 503, "Service Unavailable", "text/plain");
    expect(await send()).toMatchObject({ status: "failed", errorCode: "server_error", transient: true });
    fake.answer = (_req, res) => reply(res, 429, "Too Many Requests", "text/plain");
    expect(await send()).toMatchObject({ status: "failed", errorCode: "rate_limited", transient: true });
    fake.answer = (_req, res) => reply(res, 500, "<html><title>500</title></html>", "text/html");
    expect(await send()).toMatchObject({ status: "unconfirmed", errorCode: "server_error", transient: false });
  });

  it("reports a gateway that never answers as an unconfirmed timeout and a closed port as a retried network error", async () => {
    fake.answer = () => {};
    expect(await send({}, AbortSignal.timeout(100))).toMatchObject({ status: "unconfirmed", errorCode: "timeout" });
    expect(await send({ AT_API_URL: await closedPortUrl() })).toMatchObject({ status: "failed", errorCode: "network_error", transient: true });
  });

  it("refuses to start without username and API key", () => {
    expect(() => createAfricasTalkingProvider(config({ AT_API_KEY: undefined }))).toThrow(/AT_API_KEY/);
  });
});

describe("SMS_ROUTES", () => {
  it("sends Kenyan numbers through Africa's Talking and others through the catch-all route, failing over in route order", async () => {
    fake.answer = (_req, res) => reply(res, 201, atAnswer(101, "Success"));
    const twilio = await startFakeGateway((_req, res) => reply(res, 201, JSON.stringify({ sid: "SMroute" })));
    try {
      const env = testEnv({
        SMS_PROVIDER: "twilio",
        SMS_ROUTES: "KE:africastalking,twilio;*:twilio",
        AT_API_URL: fake.gateway.url,
        AT_USERNAME: "sandbox",
        AT_API_KEY: API_KEY,
        TWILIO_API_URL: twilio.url,
        TWILIO_ACCOUNT_SID: "AC1",
        TWILIO_AUTH_TOKEN: "tok-123456",
        TWILIO_FROM: "+15005550006",
        SMS_RETRY_BASE_MS: "0",
      });
      const sender = createSmsSender(env);
      expect((await sender.send(message)).attempts.map((a) => a.provider)).toEqual(["africastalking"]);
      expect((await sender.send({ ...message, to: "+255712000333" })).attempts.map((a) => a.provider)).toEqual(["twilio"]);
      fake.answer = (_req, res) => reply(res, 201, atAnswer(405, "InsufficientBalance"));
      expect((await sender.send(message)).attempts.map((a) => [a.provider, a.errorCode ?? "ok"])).toEqual([
        ["africastalking", "insufficient_credit"],
        ["twilio", "ok"],
      ]);
    } finally {
      await twilio.close();
    }
  });

  it.each([
    ["TZ-mshastra", /SMS_ROUTES: 'TZ-mshastra' must look like/],
    ["XX:twilio", /SMS_ROUTES: 'XX' is not an ISO 3166-1 country code/],
    ["TZ:twilio;TZ:console", /SMS_ROUTES: 'TZ' is listed twice/],
    ["KE:sms-gw", /SMS_ROUTES: unknown 'sms-gw' for KE/],
  ])("stops the start with one line for SMS_ROUTES=%s", (value, line) => {
    expect(() => testEnv({ SMS_ROUTES: value })).toThrow(line);
  });

  it("requires the credentials of every provider a route names", () => {
    expect(() => testEnv({ SMS_PROVIDER: "console", SMS_ROUTES: "KE:africastalking" })).toThrow(/AT_USERNAME: required when africastalking is used/);
  });
});
