import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHttpGatewayProvider, interpretHttpGatewayAnswer, renderHttpTemplate, type HttpGatewayConfig } from "./http-gateway";
import { parseHttpSuccessRule } from "./http-rules";
import { reply, spyOnLogs, startFakeGateway, testEnv, type FakeGateway, type GatewayHandler } from "./test-gateway";

const CODE = "317204";
const message = { to: "+255712000444", text: `Your PhoneOTP code is ${CODE}. "Don't" share & keep it.`, purpose: "Login" };
const VONAGE_SECRET = "vonageSecret9d8c7b";
const INFOBIP_KEY = "App 4f1e2d3c4b5a69788796a5b4c3d2e1f0-ib";

let answer: GatewayHandler;
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
  for (const line of logs.lines) for (const secret of [CODE, VONAGE_SECRET, INFOBIP_KEY]) expect(line).not.toContain(secret);
  logs.restore();
});

function provider(vars: Record<string, string>) {
  const env = testEnv({ SMS_PROVIDER: "http", ...vars });
  return createHttpGatewayProvider(env as HttpGatewayConfig);
}

/** docs/channels.md, worked example 1: Vonage's SMS API (form POST, success when messages.0.status is "0"). */
const vonage = () => ({
  SMS_HTTP_URL: `${gateway.url}/sms/json`,
  SMS_HTTP_BODY: `api_key=abcd1234&api_secret=${VONAGE_SECRET}&from={sender}&to={to_digits}&text={text}`,
  SMS_HTTP_SUCCESS: "messages.0.status=0",
  SMS_HTTP_MESSAGE_ID: "messages.0.message-id",
  SMS_HTTP_SENDER: "PhoneOTP",
});

/** docs/channels.md, worked example 2: Infobip's SMS API (JSON POST, "Authorization: App <key>", success on 200). */
const infobip = () => ({
  SMS_HTTP_URL: `${gateway.url}/sms/2/text/advanced`,
  SMS_HTTP_HEADERS: JSON.stringify({ Authorization: INFOBIP_KEY, "Content-Type": "application/json" }),
  SMS_HTTP_BODY: `{"messages":[{"destinations":[{"to":"{to_digits}"}],"from":"{sender}","text":"{text}"}]}`,
  SMS_HTTP_SUCCESS: "200",
  SMS_HTTP_MESSAGE_ID: "messages.0.messageId",
  SMS_HTTP_SENDER: "PhoneOTP",
});

describe("generic HTTP gateway: Vonage-style form API", () => {
  it("posts the form with each placeholder URL-encoded and reads the message id", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify({ "message-count": "1", messages: [{ to: "255712000444", "message-id": "0A0000001234", status: "0" }] }));
    const result = await provider(vonage()).send(message, AbortSignal.timeout(5_000));
    const req = gateway.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/sms/json");
    expect(req.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ api_key: "abcd1234", api_secret: VONAGE_SECRET, from: "PhoneOTP", to: "255712000444", text: message.text });
    expect(result).toEqual({ provider: "http", ok: true, status: "sent", providerMessageId: "0A0000001234", httpStatus: 200, transient: false });
  });

  it("reads a 200 whose status is not the expected value as a refusal, without the secret in the stored words", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify({ messages: [{ status: "4", "error-text": `Bad Credentials ${VONAGE_SECRET}` }] }));
    const result = await provider(vonage()).send(message, AbortSignal.timeout(5_000));
    expect(result).toMatchObject({ ok: false, status: "failed", errorCode: "unknown", transient: false });
    expect(result.errorMessage).toContain("messages.0.status=4");
    expect(result.errorMessage).not.toContain(VONAGE_SECRET);
  });

  it("treats a 200 without the named field as unconfirmed: it cannot tell whether the message was taken", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify({ ok: true }));
    expect(await provider(vonage()).send(message, AbortSignal.timeout(5_000))).toMatchObject({ status: "unconfirmed", errorCode: "bad_response" });
  });
});

describe("generic HTTP gateway: Infobip-style JSON API", () => {
  it("posts JSON with the text escaped inside the string, the configured headers, and succeeds on the status code", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify({ messages: [{ messageId: "ib-7781", status: { groupName: "PENDING" } }] }));
    const result = await provider(infobip()).send(message, AbortSignal.timeout(5_000));
    const req = gateway.requests[0];
    expect(req.headers.authorization).toBe(INFOBIP_KEY);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual({ messages: [{ destinations: [{ to: "255712000444" }], from: "PhoneOTP", text: message.text }] });
    expect(result).toMatchObject({ ok: true, providerMessageId: "ib-7781" });
  });

  it.each([
    [401, "invalid_credentials", "failed", false],
    [400, "unknown", "failed", false],
    [429, "rate_limited", "failed", true],
    [503, "server_error", "failed", true],
    [502, "server_error", "unconfirmed", false],
  ])("maps HTTP %i to %s (%s, retried: %s)", async (status, errorCode, outcome, transient) => {
    answer = (_req, res) => reply(res, status, JSON.stringify({ requestError: { serviceException: { text: "refused" } } }));
    expect(await provider(infobip()).send(message, AbortSignal.timeout(5_000))).toMatchObject({ ok: false, errorCode, status: outcome, transient, httpStatus: status });
  });

  it("reads an HTML error page as not sent and a hung gateway as an unconfirmed timeout", async () => {
    answer = (_req, res) => reply(res, 404, "<html><title>404 Not Found</title></html>", "text/html");
    expect(await provider(infobip()).send(message, AbortSignal.timeout(5_000))).toMatchObject({ status: "failed", errorCode: "unknown" });
    answer = () => {};
    expect(await provider(infobip()).send(message, AbortSignal.timeout(100))).toMatchObject({ status: "unconfirmed", errorCode: "timeout" });
  });
});

describe("generic HTTP gateway: GET with placeholders in the URL", () => {
  it("URL-encodes {to} and {text} into the query and sends no body", async () => {
    answer = (_req, res) => reply(res, 200, "OK", "text/plain");
    const result = await provider({ SMS_HTTP_URL: `${gateway.url}/send?to={to}&msg={text}&key=k3y123abc`, SMS_HTTP_METHOD: "get" }).send(message, AbortSignal.timeout(5_000));
    const url = new URL(gateway.requests[0].path, gateway.url);
    expect(gateway.requests[0].method).toBe("GET");
    expect(url.searchParams.get("to")).toBe(message.to);
    expect(url.searchParams.get("msg")).toBe(message.text);
    expect(gateway.requests[0].body).toBe("");
    expect(result).toMatchObject({ ok: true, status: "sent" });
  });
});

describe("generic HTTP gateway configuration", () => {
  it("parses status-code and JSON-path success rules", () => {
    expect(parseHttpSuccessRule("2xx")).toEqual({ kind: "status", status: "2xx" });
    expect(parseHttpSuccessRule("201")).toEqual({ kind: "status", status: 201 });
    expect(parseHttpSuccessRule('data.status = "accepted"')).toEqual({ kind: "json", path: ["data", "status"], value: "accepted" });
  });

  it("compares JSON values as text, so status 0 matches 0 and \"0\"", () => {
    const rule = parseHttpSuccessRule("messages.0.status=0");
    expect(interpretHttpGatewayAnswer(200, '{"messages":[{"status":0}]}', rule, undefined)).toMatchObject({ ok: true });
    expect(interpretHttpGatewayAnswer(200, '{"messages":[{"status":"0"}]}', rule, undefined)).toMatchObject({ ok: true });
  });

  it("escapes each placeholder for where it lands", () => {
    expect(renderHttpTemplate('{"t":"{text}"}', message, "S", "json")).toBe(JSON.stringify({ t: message.text }));
    expect(renderHttpTemplate("to={to}", message, "S", "form")).toBe("to=%2B255712000444");
  });

  it.each([
    [{ SMS_HTTP_SUCCESS: "ok!" }, /SMS_HTTP_SUCCESS: 'ok!' is neither a status code/],
    [{ SMS_HTTP_HEADERS: "Authorization: x" }, /SMS_HTTP_HEADERS: must be a JSON object/],
    [{ SMS_HTTP_BODY: "to={to}" }, /SMS_HTTP_BODY: must contain \{text\}/],
    [{ SMS_HTTP_URL: "" }, /SMS_HTTP_URL: required when http is used/],
  ])("stops the start with one line for a bad setting %j", (vars, line) => {
    expect(() => testEnv({ SMS_PROVIDER: "http", SMS_HTTP_URL: "https://gw.example.com/send", ...vars })).toThrow(line);
  });
});
