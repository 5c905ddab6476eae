import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMshastraProvider, interpretMshastraAnswer, parseMshastraDlrAnswer, queryMshastraDeliveryStatus } from "./mshastra";
import type { SmsErrorCode } from "./types";
import { closedPortUrl, reply, spyOnLogs, startFakeGateway, type FakeGateway, type GatewayHandler } from "./test-gateway";

const USER = "mshastra-user-7781";
const PASSWORD = "s3cret-Pa55word!";
const CODE = "482913";
const message = { to: "+255712345678", text: `Your PhoneOTP code is ${CODE}. It expires in 5 minutes.`, purpose: "Login" };

let answer: GatewayHandler = (_req, res) => reply(res, 200, "[]");
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
  // Nothing this provider does may print the code or a credential.
  for (const line of logs.lines) for (const secret of [CODE, PASSWORD]) expect(line).not.toContain(secret);
  logs.restore();
});

function provider(url = `${gateway.url}/sendsms_api_json.aspx`) {
  return createMshastraProvider({ MSHASTRA_API_URL: url, MSHASTRA_USER: USER, MSHASTRA_PASSWORD: PASSWORD, MSHASTRA_SENDER: "PHONEOTP" });
}

function send(url?: string) {
  return provider(url).send(message, AbortSignal.timeout(5_000));
}

function expectNoSecrets(text: string | undefined) {
  for (const secret of [CODE, PASSWORD, message.text]) expect(text ?? "").not.toContain(secret);
}

describe("mShastra provider", () => {
  it("posts the JSON array the gateway expects, number without the plus", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify([{ msg_id: "945809410", number: "255712345678", str_response: "Send Successful" }]));
    const result = await send();
    expect(gateway.requests).toHaveLength(1);
    const req = gateway.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/sendsms_api_json.aspx");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual([{ user: USER, pwd: PASSWORD, number: "255712345678", sender: "PHONEOTP", msg: message.text, language: "Unicode" }]);
    expect(result).toEqual({ provider: "mshastra", ok: true, status: "sent", providerMessageId: "945809410", httpStatus: 200, transient: false });
  });

  it("accepts the numeric success answer 000 with a msg_id", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify([{ msg_id: 77, number: "255712345678", str_response: "000" }]));
    expect(await send()).toMatchObject({ ok: true, providerMessageId: "77" });
  });

  it("tolerates case and spacing in the success answer", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify([{ msg_id: "1", str_response: "  send   SUCCESSFUL " }]));
    expect(await send()).toMatchObject({ ok: true, providerMessageId: "1" });
  });

  it("does not trust a success answer without a msg_id, and records it unconfirmed (never retried)", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify([{ number: "255712345678", str_response: "Send Successful" }]));
    expect(await send()).toMatchObject({ ok: false, status: "unconfirmed", errorCode: "bad_response", transient: false, httpStatus: 200 });
  });

  it("does not trust a success answer that is not a JSON array", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify({ msg_id: "5", str_response: "Send Successful" }));
    expect(await send()).toMatchObject({ ok: false, errorCode: "bad_response", transient: false });
  });

  const errorAnswers: [string, SmsErrorCode, boolean][] = [
    ["Invalid Password", "invalid_credentials", false],
    ["invalid password.", "invalid_credentials", false],
    ["Invalid Profile Id", "invalid_credentials", false],
    ["No More Credits", "insufficient_credit", false],
    ["Invalid Mobile No.", "invalid_number", false],
    ["Profile Id Blocked", "account_blocked", false],
    ["Country not activated", "country_not_enabled", false],
    ["Whitelist IP address to use API", "ip_not_whitelisted", false],
    ["001", "invalid_number", false],
    ["003", "invalid_message", false],
    ["005", "invalid_credentials", false],
    ["006", "dnd_number", false],
    ["007", "invalid_number", false],
    ["008", "invalid_number", false],
    ["009", "account_blocked", false],
    ["010", "invalid_credentials", false],
    ["011", "invalid_credentials", false],
    ["012", "sender_invalid", false],
    ["013", "server_error", true],
    ["Something new happened", "unknown", false],
  ];
  it.each(errorAnswers)("maps the answer %j to %s (transient: %s) and keeps the gateway's words", async (words, errorCode, transient) => {
    answer = (_req, res) => reply(res, 200, JSON.stringify([{ msg_id: "", number: "255712345678", str_response: words }]));
    const result = await send();
    expect(result).toMatchObject({ ok: false, status: "failed", errorCode, transient, httpStatus: 200 });
    expect(result.errorMessage).toContain(words.trim());
    expect(result.providerMessageId).toBeUndefined();
    expectNoSecrets(result.errorMessage);
  });

  it("treats HTTP 500 as an unconfirmed server error (the gateway may have queued it)", async () => {
    answer = (_req, res) => reply(res, 500, "<html><title>Runtime Error</title><body>Server Error in '/' Application.</body></html>", "text/html");
    const result = await send();
    expect(result).toMatchObject({ ok: false, status: "unconfirmed", errorCode: "server_error", transient: false, httpStatus: 500 });
    expect(result.errorMessage).toContain("HTTP 500");
  });

  it("treats HTTP 429 as a transient rate limit", async () => {
    answer = (_req, res) => reply(res, 429, "Too Many Requests", "text/plain");
    expect(await send()).toMatchObject({ ok: false, errorCode: "rate_limited", transient: true, httpStatus: 429 });
  });

  it("reports an HTML page answered with 200 as a bad response, not as sent", async () => {
    answer = (_req, res) => reply(res, 200, "<!DOCTYPE html><html><head><title>Login - mShastra</title></head><body>Please log in</body></html>", "text/html");
    const result = await send();
    expect(result).toMatchObject({ ok: false, errorCode: "bad_response", transient: false, httpStatus: 200 });
    expect(result.errorMessage).toBe("HTML page (HTTP 200): Login - mShastra");
  });

  it("reports an empty body as a bad response", async () => {
    answer = (_req, res) => reply(res, 200, "");
    expect(await send()).toMatchObject({ ok: false, errorCode: "bad_response", transient: false, errorMessage: "empty answer (HTTP 200)" });
  });

  it("reports a plain-text body as a bad response, keeping the words but never the credentials or code", async () => {
    answer = (_req, res) => reply(res, 200, `Error for user ${USER} pwd ${PASSWORD}: message '${message.text}' rejected`, "text/plain");
    const result = await send();
    expect(result).toMatchObject({ ok: false, errorCode: "bad_response", transient: false });
    expect(result.errorMessage).toMatch(/^non-JSON answer \(HTTP 200\): Error for user/);
    expectNoSecrets(result.errorMessage);
    expect(result.errorMessage).not.toContain(USER);
  });

  it("reports a refused connection as a transient network error", async () => {
    const result = await send(await closedPortUrl());
    expect(result).toMatchObject({ ok: false, errorCode: "network_error", transient: true, errorMessage: "network error: ECONNREFUSED" });
  });

  it("reports an aborted request as an unconfirmed timeout, not worth retrying", async () => {
    answer = () => {}; // never answers
    const result = await provider().send(message, AbortSignal.timeout(100));
    expect(result).toMatchObject({ ok: false, status: "unconfirmed", errorCode: "timeout", transient: false });
  });
});

describe("interpretMshastraAnswer", () => {
  it("maps numeric answers given without their leading zeros", () => {
    expect(interpretMshastraAnswer(200, JSON.stringify([{ str_response: 5 }]))).toMatchObject({ errorCode: "invalid_credentials", errorMessage: "5 (authorization failed)" });
  });
});

describe("mShastra delivery-status query", () => {
  it("posts the ids as a form and maps DELIVERED/DELIVRD, PENDING and EXPIRED/FAILED/REJECTED", async () => {
    answer = (_req, res) =>
      reply(
        res,
        200,
        "message_id,DLR_Status,DLR_Time\n101,DELIVERED,2026-11-24 10:00:00\n102,DELIVRD,2026-11-24T10:01:00Z\n103,PENDING,\n104,EXPIRED,2026-11-24 11:00:00\n105,FAILED,x\n106,REJECTED,x\n999,DELIVERED,x\n",
        "text/plain",
      );
    const statuses = await queryMshastraDeliveryStatus(
      { MSHASTRA_DLR_URL: `${gateway.url}/dlr.aspx`, MSHASTRA_USER: USER, MSHASTRA_PASSWORD: PASSWORD },
      ["101", "102", "103", "104", "105", "106"],
    );
    const req = gateway.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/dlr.aspx");
    expect(req.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ user: USER, pwd: PASSWORD, msgid: "101,102,103,104,105,106" });
    expect(statuses.map((s) => [s.messageId, s.status])).toEqual([
      ["101", "delivered"],
      ["102", "delivered"],
      ["103", "sent"],
      ["104", "undelivered"],
      ["105", "undelivered"],
      ["106", "undelivered"],
    ]);
    expect(statuses[0].at).toBeUndefined(); // no time zone: not guessed
    expect(statuses[1].at?.toISOString()).toBe("2026-11-24T10:01:00.000Z");
  });

  it("throws an error without credentials when the gateway fails", async () => {
    answer = (_req, res) => reply(res, 503, `unavailable for ${USER}/${PASSWORD}`, "text/plain");
    const error = await queryMshastraDeliveryStatus({ MSHASTRA_DLR_URL: gateway.url, MSHASTRA_USER: USER, MSHASTRA_PASSWORD: PASSWORD }, ["1"]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("HTTP 503");
    expect((error as Error).message).not.toContain(PASSWORD);
    expect((error as Error).message).not.toContain(USER);
  });

  it("ignores blank and unknown lines", () => {
    expect(parseMshastraDlrAnswer("\n\n7,SOMETHING,x\n8,delivered,x\r\n")).toEqual([{ messageId: "8", status: "delivered", rawStatus: "DELIVERED" }]);
  });
});
