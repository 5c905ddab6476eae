import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SmsErrorCode } from "./types";
import { closedPortUrl, reply, spyOnLogs, startFakeGateway, type FakeGateway, type GatewayHandler } from "./test-gateway";
import { computeTwilioSignature, createTwilioProvider, validateTwilioSignature, type TwilioConfig } from "./twilio";

const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-5f2c9e";
const CODE = "739120";
const message = { to: "+14155550123", text: `Your PhoneOTP code is ${CODE}.`, purpose: "Login" };

let answer: GatewayHandler = (_req, res) => reply(res, 201, "{}");
let gateway: FakeGateway;
let logs: ReturnType<typeof spyOnLogs>;

beforeAll(async () => {
  gateway = await startFakeGateway((req, res, i) => answer(req, res, i));
});
afterAll(() => gateway.close());
beforeEach(() => {
  gateway.requests.length = 0;
  logs = spyOnLogs();
});
afterEach(() => {
  for (const line of logs.lines) for (const secret of [CODE, TOKEN]) expect(line).not.toContain(secret);
  logs.restore();
});

function config(extra: Partial<TwilioConfig> = {}): TwilioConfig {
  return {
    TWILIO_API_URL: gateway.url,
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_FROM: "+15005550006",
    TWILIO_MESSAGING_SERVICE_SID: undefined,
    TWILIO_STATUS_CALLBACK_URL: undefined,
    ...extra,
  };
}

const send = (extra: Partial<TwilioConfig> = {}) => createTwilioProvider(config(extra)).send(message, AbortSignal.timeout(5_000));
const twilioError = (code: number, msg: string, status: number) => JSON.stringify({ code, message: msg, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

describe("Twilio provider", () => {
  it("posts a form to the account's Messages resource with Basic auth", async () => {
    answer = (_req, res) => reply(res, 201, JSON.stringify({ sid: "SM0123456789abcdef0123456789abcdef", status: "queued", body: message.text }));
    const result = await send();
    const req = gateway.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString("base64")}`);
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ To: message.to, Body: message.text, From: "+15005550006" });
    expect(result).toEqual({ provider: "twilio", ok: true, status: "sent", providerMessageId: "SM0123456789abcdef0123456789abcdef", httpStatus: 201, transient: false });
  });

  it("sends through a messaging service and asks for status callbacks when configured", async () => {
    answer = (_req, res) => reply(res, 201, JSON.stringify({ sid: "SM1" }));
    await send({ TWILIO_FROM: undefined, TWILIO_MESSAGING_SERVICE_SID: "MG0123", TWILIO_STATUS_CALLBACK_URL: "https://otp.example.com/api/sms/status/twilio" });
    expect(Object.fromEntries(new URLSearchParams(gateway.requests[0].body))).toEqual({
      To: message.to,
      Body: message.text,
      MessagingServiceSid: "MG0123",
      StatusCallback: "https://otp.example.com/api/sms/status/twilio",
    });
  });

  const errorAnswers: [number, number, SmsErrorCode, boolean][] = [
    [401, 20003, "invalid_credentials", false],
    [400, 21211, "invalid_number", false],
    [400, 21614, "invalid_number", false],
    [400, 21408, "country_not_enabled", false],
    [400, 21612, "country_not_enabled", false],
    [400, 21610, "dnd_number", false],
    [429, 20429, "rate_limited", true],
    [400, 21606, "sender_invalid", false],
    [400, 99999, "unknown", false],
  ];
  it.each(errorAnswers)("maps HTTP %i with Twilio error %i to %s (transient: %s)", async (status, code, errorCode, transient) => {
    answer = (_req, res) => reply(res, status, twilioError(code, `Problem ${code} with account ${SID}`, status));
    const result = await send();
    expect(result).toMatchObject({ ok: false, status: "failed", errorCode, transient, httpStatus: status });
    expect(result.errorMessage).toBe(`Twilio ${code}: Problem ${code} with account [redacted]`);
  });

  it("treats HTTP 503 as a transient server error", async () => {
    answer = (_req, res) => reply(res, 503, "<html>Service Unavailable</html>", "text/html");
    expect(await send()).toMatchObject({ ok: false, errorCode: "server_error", transient: true, httpStatus: 503 });
  });

  it("treats a bare HTTP 429 as a transient rate limit", async () => {
    answer = (_req, res) => reply(res, 429, "", "text/plain");
    expect(await send()).toMatchObject({ ok: false, errorCode: "rate_limited", transient: true });
  });

  it("reports a 201 without a message sid, or a non-JSON body, as a bad response", async () => {
    answer = (_req, res) => reply(res, 201, JSON.stringify({ status: "queued" }));
    expect(await send()).toMatchObject({ ok: false, errorCode: "bad_response", transient: false });
    answer = (_req, res) => reply(res, 200, "<html><title>Proxy login</title></html>", "text/html");
    expect(await send()).toMatchObject({ ok: false, errorCode: "bad_response", errorMessage: "HTML page (HTTP 200): Proxy login" });
  });

  it("reports a refused connection as a transient network error", async () => {
    expect(await send({ TWILIO_API_URL: await closedPortUrl() })).toMatchObject({ ok: false, errorCode: "network_error", transient: true });
  });
});

describe("validateTwilioSignature", () => {
  const url = "https://otp.example.com/api/sms/status/twilio";
  const params = { MessageSid: "SM1", MessageStatus: "delivered", AccountSid: SID, To: "+14155550123" };
  // Computed here independently of the implementation: URL, then each key+value with keys sorted.
  const data = `${url}AccountSid${SID}MessageSidSM1MessageStatusdeliveredTo+14155550123`;
  const expected = createHmac("sha1", TOKEN).update(data).digest("base64");

  it("accepts the signature Twilio computes for the URL and the sorted parameters", () => {
    expect(computeTwilioSignature(TOKEN, url, params)).toBe(expected);
    expect(validateTwilioSignature(TOKEN, url, params, expected)).toBe(true);
    expect(validateTwilioSignature(TOKEN, url, new URLSearchParams(params), expected)).toBe(true);
  });

  it("matches the vector published with Twilio's own helper library", () => {
    const body = { CallSid: "CA1234567890ABCDE", Caller: "+14158675309", Digits: "1234", From: "+14158675309", To: "+18005551212" };
    expect(validateTwilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", body, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toBe(true);
  });

  it("accepts the URL with or without its default port", () => {
    const withPort = createHmac("sha1", TOKEN).update(data.replace("example.com/", "example.com:443/")).digest("base64");
    expect(validateTwilioSignature(TOKEN, url, params, withPort)).toBe(true);
  });

  it("rejects a changed parameter, another URL, another token, and a missing or malformed header", () => {
    expect(validateTwilioSignature(TOKEN, url, { ...params, MessageStatus: "undelivered" }, expected)).toBe(false);
    expect(validateTwilioSignature(TOKEN, `${url}?x=1`, params, expected)).toBe(false);
    expect(validateTwilioSignature("other-token", url, params, expected)).toBe(false);
    expect(validateTwilioSignature(TOKEN, url, params, null)).toBe(false);
    expect(validateTwilioSignature(TOKEN, url, params, "short")).toBe(false);
    expect(validateTwilioSignature("", url, params, expected)).toBe(false);
  });
});
