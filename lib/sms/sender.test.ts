import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearOutbox, listOutbox } from "./console";
import { backoffMs, createProvidersFromEnv, createSmsSender, MAX_BACKOFF_MS } from "./sender";
import { closedPortUrl, reply, spyOnLogs, startFakeGateway, testEnv, type FakeGateway, type GatewayHandler } from "./test-gateway";
import type { SmsProvider } from "./types";

const MS_PASSWORD = "mshastra-pass-Q8x!";
const TW_TOKEN = "twilio-token-4bd1a0";
const TW_SID = "AC99999999999999999999999999999999";
const CODE = "605118";
const message = { to: "+255712000111", text: `Your PhoneOTP code is ${CODE}. It expires in 5 minutes.`, purpose: "Login" };
const FIXED_NOW = new Date("2026-03-01T10:00:00.000Z");

const MS_OK = JSON.stringify([{ msg_id: "5001", number: "255712000111", str_response: "Send Successful" }]);
const TW_OK = JSON.stringify({ sid: "SMfailover", status: "queued" });

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
  mshastraAnswer = (_req, res) => reply(res, 200, MS_OK);
  twilioAnswer = (_req, res) => reply(res, 201, TW_OK);
  logs = spyOnLogs();
});
afterEach(() => logs.restore());

function config(vars: Record<string, string> = {}) {
  return testEnv({
    SMS_PROVIDER: "mshastra,twilio",
    SMS_TIMEOUT_MS: "2000",
    SMS_MAX_RETRIES: "2",
    SMS_RETRY_BASE_MS: "100",
    MSHASTRA_API_URL: `${mshastra.url}/sendsms_api_json.aspx`,
    MSHASTRA_USER: "ms-user",
    MSHASTRA_PASSWORD: MS_PASSWORD,
    MSHASTRA_SENDER: "PHONEOTP",
    TWILIO_API_URL: twilio.url,
    TWILIO_ACCOUNT_SID: TW_SID,
    TWILIO_AUTH_TOKEN: TW_TOKEN,
    TWILIO_FROM: "+15005550006",
    LOG_LEVEL: "debug",
    ...vars,
  });
}

function sender(vars: Record<string, string> = {}, providers?: SmsProvider[]) {
  const sleeps: number[] = [];
  const s = createSmsSender(config(vars), {
    providers,
    now: () => FIXED_NOW,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { send: () => s.send(message), sleeps };
}

/** No log line and no stored error message may carry the code or a credential. */
function expectNothingLeaked(outcome: { attempts: { errorMessage?: string }[] }) {
  const secrets = [CODE, MS_PASSWORD, TW_TOKEN];
  for (const line of logs.lines) for (const s of secrets) expect(line).not.toContain(s);
  for (const a of outcome.attempts) for (const s of secrets) expect(a.errorMessage ?? "").not.toContain(s);
}

describe("createSmsSender", () => {
  it("stops at the first success and returns the attempt with its timing", async () => {
    const outcome = await sender().send();
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts).toHaveLength(1);
    expect(outcome.attempts[0]).toMatchObject({ provider: "mshastra", attempt: 1, ok: true, status: "sent", providerMessageId: "5001", httpStatus: 200 });
    expect(outcome.attempts[0].startedAt).toEqual(FIXED_NOW);
    expect(outcome.attempts[0].latencyMs).toBeGreaterThanOrEqual(0);
    expect(twilio.requests).toHaveLength(0);
    expect(logs.lines.some((l) => l.includes('"msg":"sms sent"'))).toBe(true);
    expectNothingLeaked(outcome);
  });

  it("retries a 503 (the gateway did not take it) with exponential backoff and succeeds on the same provider", async () => {
    mshastraAnswer = (_req, res, i) => (i < 2 ? reply(res, 503, "Service Unavailable", "text/plain") : reply(res, 200, MS_OK));
    const { send, sleeps } = sender();
    const outcome = await send();
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts.map((a) => [a.provider, a.attempt, a.status, a.errorCode ?? null])).toEqual([
      ["mshastra", 1, "failed", "server_error"],
      ["mshastra", 2, "failed", "server_error"],
      ["mshastra", 3, "sent", null],
    ]);
    expect(mshastra.requests).toHaveLength(3);
    expect(sleeps).toEqual([110, 220]); // 100·2^(n-1), +10 % jitter at random() = 0.5
    expectNothingLeaked(outcome);
  });

  it("gives up on a provider after SMS_MAX_RETRIES retries and fails over to the next one", async () => {
    mshastraAnswer = (_req, res) => reply(res, 503, "busy", "text/plain");
    const outcome = await sender().send();
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts.map((a) => [a.provider, a.attempt, a.ok])).toEqual([
      ["mshastra", 1, false],
      ["mshastra", 2, false],
      ["mshastra", 3, false],
      ["twilio", 1, true],
    ]);
    expect(outcome.attempts.at(-1)?.providerMessageId).toBe("SMfailover");
    expect(twilio.requests).toHaveLength(1);
    expectNothingLeaked(outcome);
  });

  it("does not retry a permanent failure but fails over at once", async () => {
    mshastraAnswer = (_req, res) => reply(res, 200, JSON.stringify([{ str_response: "No More Credits" }]));
    const { send, sleeps } = sender();
    const outcome = await send();
    expect(outcome.attempts.map((a) => [a.provider, a.attempt, a.errorCode ?? "ok"])).toEqual([
      ["mshastra", 1, "insufficient_credit"],
      ["twilio", 1, "ok"],
    ]);
    expect(outcome.attempts[0].errorMessage).toBe("No More Credits");
    expect(sleeps).toEqual([]);
    expect(mshastra.requests).toHaveLength(1);
  });

  it("turns a hung gateway into an unconfirmed timeout attempt within SMS_TIMEOUT_MS", async () => {
    mshastraAnswer = () => {}; // accepts the request, never answers
    const started = performance.now();
    const outcome = await sender({ SMS_PROVIDER: "mshastra", SMS_TIMEOUT_MS: "150", SMS_MAX_RETRIES: "0" }).send();
    const elapsed = performance.now() - started;
    expect(outcome.ok).toBe(false);
    expect(outcome.attempts).toHaveLength(1);
    expect(outcome.status).toBe("unconfirmed");
    expect(outcome.attempts[0]).toMatchObject({ provider: "mshastra", status: "unconfirmed", errorCode: "timeout", transient: false, errorMessage: "no answer within 150 ms" });
    expect(outcome.attempts[0].latencyMs).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_000);
    expectNothingLeaked(outcome);
  });

  it("never retries a timeout and does not fail over by default: one request reaches the gateway", async () => {
    mshastraAnswer = () => {};
    const outcome = await sender({ SMS_TIMEOUT_MS: "120", SMS_MAX_RETRIES: "2" }).send();
    expect(outcome).toMatchObject({ ok: false, status: "unconfirmed" });
    expect(outcome.attempts.map((a) => [a.provider, a.attempt, a.status, a.errorCode])).toEqual([["mshastra", 1, "unconfirmed", "timeout"]]);
    expect(mshastra.requests).toHaveLength(1);
    expect(twilio.requests).toHaveLength(0);
    expect(logs.lines.some((l) => l.includes("sms attempt unconfirmed"))).toBe(true);
  });

  it("fails over after a timeout only with SMS_FAILOVER_ON_AMBIGUOUS=1, still without retrying the slow provider", async () => {
    mshastraAnswer = () => {};
    const outcome = await sender({ SMS_TIMEOUT_MS: "120", SMS_MAX_RETRIES: "2", SMS_FAILOVER_ON_AMBIGUOUS: "1" }).send();
    expect(outcome).toMatchObject({ ok: true, status: "sent" });
    expect(outcome.attempts.map((a) => [a.provider, a.attempt, a.errorCode ?? "ok"])).toEqual([
      ["mshastra", 1, "timeout"],
      ["twilio", 1, "ok"],
    ]);
    expect(mshastra.requests).toHaveLength(1);
  });

  it("reports unconfirmed, not failed, when failover after a timeout also fails", async () => {
    mshastraAnswer = () => {};
    twilioAnswer = (_req, res) => reply(res, 400, JSON.stringify({ code: 21211, message: "Invalid 'To' Phone Number" }));
    const outcome = await sender({ SMS_TIMEOUT_MS: "120", SMS_FAILOVER_ON_AMBIGUOUS: "1" }).send();
    expect(outcome).toMatchObject({ ok: false, status: "unconfirmed" });
    expect(outcome.attempts.map((a) => [a.provider, a.status])).toEqual([
      ["mshastra", "unconfirmed"],
      ["twilio", "failed"],
    ]);
  });

  it.each([500, 502, 504])("does not retry or fail over after HTTP %i: the gateway may have queued the message", async (status) => {
    mshastraAnswer = (_req, res) => reply(res, status, "<html><title>Error</title></html>", "text/html");
    const outcome = await sender().send();
    expect(outcome).toMatchObject({ ok: false, status: "unconfirmed", attempts: [{ provider: "mshastra", status: "unconfirmed", errorCode: "server_error", httpStatus: status }] });
    expect(mshastra.requests).toHaveLength(1);
    expect(twilio.requests).toHaveLength(0);
  });

  it("does not retry a connection reset after the request was written", async () => {
    mshastraAnswer = (_req, res) => void res.socket?.destroy();
    const outcome = await sender().send();
    expect(outcome).toMatchObject({ ok: false, status: "unconfirmed", attempts: [{ provider: "mshastra", status: "unconfirmed", errorCode: "network_error" }] });
    expect(mshastra.requests).toHaveLength(1);
    expect(twilio.requests).toHaveLength(0);
  });

  it("retries a DNS failure (nothing was sent), then fails over", async () => {
    const outcome = await sender({ MSHASTRA_API_URL: "http://sms-gateway.invalid/send", SMS_MAX_RETRIES: "1" }).send();
    expect(outcome.attempts.map((a) => [a.provider, a.attempt, a.status, a.errorMessage])).toEqual([
      ["mshastra", 1, "failed", "network error: ENOTFOUND"],
      ["mshastra", 2, "failed", "network error: ENOTFOUND"],
      ["twilio", 1, "sent", undefined],
    ]);
  });

  it("stops at an HTML page answered with HTTP 200: the gateway may have sent it", async () => {
    mshastraAnswer = (_req, res) => reply(res, 200, "<html><body>OK</body></html>", "text/html");
    const outcome = await sender().send();
    expect(outcome).toMatchObject({ ok: false, status: "unconfirmed", attempts: [{ errorCode: "bad_response", httpStatus: 200, status: "unconfirmed" }] });
    expect(twilio.requests).toHaveLength(0);
  });

  it("times out even a provider that ignores the abort signal", async () => {
    const stubborn: SmsProvider = { name: "mshastra", send: () => new Promise(() => {}) };
    const outcome = await sender({ SMS_TIMEOUT_MS: "100", SMS_MAX_RETRIES: "0" }, [stubborn]).send();
    expect(outcome.attempts).toMatchObject([{ provider: "mshastra", errorCode: "timeout", status: "unconfirmed" }]);
  });

  it("retries a refused connection as a network error, then fails over", async () => {
    const outcome = await sender({ MSHASTRA_API_URL: await closedPortUrl(), SMS_MAX_RETRIES: "1" }).send();
    expect(outcome.attempts.map((a) => [a.provider, a.attempt, a.errorCode ?? "ok", a.transient])).toEqual([
      ["mshastra", 1, "network_error", true],
      ["mshastra", 2, "network_error", true],
      ["twilio", 1, "ok", false],
    ]);
  });

  it("reports every attempt and ok:false when every provider fails", async () => {
    mshastraAnswer = (_req, res) => reply(res, 404, "<html><body>Not Found</body></html>", "text/html");
    twilioAnswer = (_req, res) => reply(res, 401, JSON.stringify({ code: 20003, message: "Authenticate", status: 401 }));
    const outcome = await sender().send();
    expect(outcome).toMatchObject({ ok: false, status: "failed" });
    expect(outcome.attempts.map((a) => [a.provider, a.errorCode, a.httpStatus])).toEqual([
      ["mshastra", "bad_response", 404],
      ["twilio", "invalid_credentials", 401],
    ]);
    expect(twilio.requests[0].headers.authorization).toMatch(/^Basic /);
    expect(logs.lines.filter((l) => l.includes("sms attempt failed"))).toHaveLength(2);
    expectNothingLeaked(outcome);
  });

  it("records a provider that throws as a failed attempt instead of throwing", async () => {
    const broken: SmsProvider = {
      name: "twilio",
      send: async () => {
        throw new TypeError(`boom ${CODE}`);
      },
    };
    const syncBroken: SmsProvider = {
      name: "mshastra",
      send: () => {
        throw new Error("sync boom");
      },
    };
    const outcome = await sender({}, [syncBroken, broken]).send();
    expect(outcome).toMatchObject({
      ok: false,
      attempts: [
        { provider: "mshastra", errorCode: "unknown", transient: false },
        { provider: "twilio", errorCode: "unknown", transient: false },
      ],
    });
    expectNothingLeaked(outcome);
  });

  it("sends through the console provider into the outbox", async () => {
    clearOutbox();
    const outcome = await sender({ SMS_PROVIDER: "console" }).send();
    expect(outcome).toMatchObject({ ok: true, attempts: [{ provider: "console", attempt: 1, status: "sent" }] });
    expect(listOutbox(message.to)[0].text).toBe(message.text);
  });
});

describe("createProvidersFromEnv", () => {
  it("builds the providers in SMS_PROVIDER order", () => {
    expect(createProvidersFromEnv(config({ SMS_PROVIDER: "twilio,console,mshastra" })).map((p) => p.name)).toEqual(["twilio", "console", "mshastra"]);
  });
});

describe("backoffMs", () => {
  it("doubles from the base, adds at most 20 % jitter and is capped", () => {
    expect(backoffMs(1, 200, () => 0)).toBe(200);
    expect(backoffMs(2, 200, () => 0)).toBe(400);
    expect(backoffMs(3, 200, () => 0.999)).toBeLessThanOrEqual(960);
    expect(backoffMs(20, 200, () => 0)).toBe(MAX_BACKOFF_MS);
    expect(backoffMs(1, 0, () => 0.7)).toBe(0);
  });
});
