import { describe, expect, it } from "vitest";
import { reply, withFakeGateway } from "./test-gateway";
import { callStatusReport, createTwilioVoiceProvider, voiceTwiml, type TwilioVoiceConfig } from "./voice";

const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-voice-token-19ce";
const CODE = "204817";
const message = { to: "+14155550142", text: `Your PhoneOTP code is ${CODE}.`, purpose: "Login", code: CODE };

const fake = withFakeGateway([CODE, TOKEN]);

function config(extra: Partial<TwilioVoiceConfig> = {}): TwilioVoiceConfig {
  return {
    TWILIO_API_URL: fake.gateway.url,
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_FROM: "+15005550006",
    TWILIO_VOICE_FROM: undefined,
    TWILIO_VOICE_LANGUAGE: "en-US",
    TWILIO_STATUS_CALLBACK_URL: undefined,
    APP_NAME: "PhoneOTP",
    ...extra,
  };
}
const send = (extra: Partial<TwilioVoiceConfig> = {}) => createTwilioVoiceProvider(config(extra)).send(message, AbortSignal.timeout(5_000));

describe("Twilio voice provider", () => {
  it("creates a call with inline TwiML reading the code digit by digit, twice, from TWILIO_FROM by default", async () => {
    fake.answer = (_req, res) => reply(res, 201, JSON.stringify({ sid: "CA0123456789abcdef0123456789abcdef", status: "queued" }));
    const result = await send();
    const req = fake.gateway.requests[0];
    expect(req.path).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString("base64")}`);
    const form = new URLSearchParams(req.body);
    expect(form.get("To")).toBe(message.to);
    expect(form.get("From")).toBe("+15005550006");
    expect(form.get("Twiml")).toBe(
      '<Response><Say language="en-US">Your PhoneOTP code is: 2. 0. 4. 8. 1. 7.</Say><Pause length="1"/><Say language="en-US">Again, your code is: 2. 0. 4. 8. 1. 7.</Say></Response>',
    );
    expect(result).toMatchObject({ provider: "twilio_voice", ok: true, providerMessageId: "CA0123456789abcdef0123456789abcdef" });
    expect(form.has("StatusCallback")).toBe(false);
  });

  it("asks Twilio for the call's final status at TWILIO_STATUS_CALLBACK_URL when it is set", async () => {
    fake.answer = (_req, res) => reply(res, 201, JSON.stringify({ sid: "CA2" }));
    await send({ TWILIO_STATUS_CALLBACK_URL: "https://otp.example.com/api/sms/status/twilio" });
    expect(new URLSearchParams(fake.gateway.requests[0].body).get("StatusCallback")).toBe("https://otp.example.com/api/sms/status/twilio");
  });

  it("calls from TWILIO_VOICE_FROM when set", async () => {
    fake.answer = (_req, res) => reply(res, 201, JSON.stringify({ sid: "CA1" }));
    await send({ TWILIO_VOICE_FROM: "+15005550009" });
    expect(new URLSearchParams(fake.gateway.requests[0].body).get("From")).toBe("+15005550009");
  });

  it("speaks a supported language and falls back to English for one <Say> cannot speak", () => {
    expect(voiceTwiml("12", "App", "fr-FR")).toContain('<Say language="fr-FR">Votre code App est: 1. 2.</Say>');
    expect(voiceTwiml("12", "App", "sw-TZ")).toContain('<Say language="en-US">Your App code is: 1. 2.</Say>');
    expect(voiceTwiml("12", "A&B <x>", "en-US")).toContain("Your A&amp;B &lt;x&gt; code is");
  });

  it("maps Twilio's refusals (21211 invalid number, 20003 credentials) and an HTML 503 page", async () => {
    fake.answer = (_req, res) => reply(res, 400, JSON.stringify({ code: 21211, message: "Invalid 'To' Phone Number", status: 400 }));
    expect(await send()).toMatchObject({ provider: "twilio_voice", ok: false, errorCode: "invalid_number", status: "failed" });
    fake.answer = (_req, res) => reply(res, 401, JSON.stringify({ code: 20003, message: "Authenticate", status: 401 }));
    expect(await send()).toMatchObject({ errorCode: "invalid_credentials" });
    fake.answer = (_req, res) => reply(res, 503, "<html><title>Service Unavailable</title></html>", "text/html");
    expect(await send()).toMatchObject({ errorCode: "server_error", transient: true });
  });
});

describe("callStatusReport", () => {
  const report = (params: Record<string, string>) => callStatusReport(new URLSearchParams({ CallSid: "CA1", ...params }));

  it("maps each final CallStatus to a delivery status and reason", () => {
    expect(report({ CallStatus: "completed", CallDuration: "14" })).toEqual({ status: "delivered" });
    expect(report({ CallStatus: "busy" })).toEqual({ status: "undelivered", errorCode: "busy", errorMessage: "Twilio call busy" });
    expect(report({ CallStatus: "no-answer" })).toEqual({ status: "undelivered", errorCode: "no_answer", errorMessage: "Twilio call no-answer" });
    expect(report({ CallStatus: "canceled" })).toEqual({ status: "undelivered", errorCode: "unknown", errorMessage: "Twilio call canceled" });
    expect(report({ CallStatus: "failed" })).toEqual({ status: "undelivered", errorCode: "unknown", errorMessage: "Twilio call failed" });
    expect(report({ CallStatus: "failed", SipResponseCode: "404" })).toEqual({ status: "undelivered", errorCode: "invalid_number", errorMessage: "Twilio call failed (SIP 404)" });
  });

  it("ignores the statuses that are not final", () => {
    for (const CallStatus of ["queued", "initiated", "ringing", "in-progress", "", "something-new"]) expect(report({ CallStatus })).toBeNull();
  });
});
