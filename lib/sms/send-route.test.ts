/** What the HTTP API answers when the gateway refuses: POST /api/otp/send against a fake mShastra. */
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { POST } from "@/app/api/otp/send/route";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { reply, startFakeGateway, type GatewayHandler } from "./test-gateway";

const PASSWORD = "route-mshastra-Pa55";
let answer: GatewayHandler;
// Started before the tests so its URL can go into the environment, which lib/env reads once.
const mshastra = await startFakeGateway((req, res, i) => answer(req, res, i));
for (const [key, value] of Object.entries({
  NODE_ENV: "test",
  OTP_SECRET: "send-route-otp-secret-0123456789abcdef0",
  NEXTAUTH_SECRET: "send-route-nextauth-secret-0123456789a",
  SMS_PROVIDER: "mshastra",
  MSHASTRA_API_URL: `${mshastra.url}/sendsms_api_json.aspx`,
  MSHASTRA_USER: "route-user",
  MSHASTRA_PASSWORD: PASSWORD,
  MSHASTRA_SENDER: "PHONEOTP",
  SMS_RETRY_BASE_MS: "0",
  OTP_RESEND_COOLDOWN_SECONDS: "0",
  LOG_LEVEL: "error",
})) vi.stubEnv(key, value);
afterAll(() => mshastra.close());

function send(phone: string) {
  return POST(
    new Request("http://localhost/api/otp/send", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "127.0.0.1" },
      body: JSON.stringify({ phone }),
    }),
  );
}

describeEachDatabase("POST /api/otp/send through mShastra", (use) => {
  beforeAll(() => {
    (globalThis as { __otpDb?: Promise<unknown> }).__otpDb = Promise.resolve(use());
  });
  beforeEach(() => {
    mshastra.requests.length = 0;
  });

  it("answers 502 sms_failed, without the gateway's secrets, when the gateway refuses the password", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify([{ str_response: "Invalid Password" }]));
    vi.spyOn(console, "error").mockImplementation(() => {}); // the engine warns about the failed SMS
    const phone = uniquePhone();
    const res = await send(phone);
    vi.mocked(console.error).mockRestore();
    expect(res.status).toBe(502);
    const body = await res.json();
    expect(body).toEqual({ error: { code: "sms_failed", message: expect.any(String) } });
    expect(JSON.stringify(body)).not.toContain(PASSWORD);
    expect(mshastra.requests).toHaveLength(1); // a wrong password is not retried
    const verification = await use().db.verification.findFirstOrThrow({ where: { phone } });
    expect(verification).toMatchObject({ status: "failed", smsStatus: "failed" });
    expect(await use().db.smsMessage.findFirstOrThrow({ where: { verificationId: verification.id } })).toMatchObject({ errorCode: "invalid_credentials", errorMessage: "Invalid Password" });
  });

  it("answers 200 when the gateway confirms with a msg_id", async () => {
    answer = (_req, res) => reply(res, 200, JSON.stringify([{ msg_id: "42", str_response: "Send Successful" }]));
    const res = await send(uniquePhone());
    expect(res.status).toBe(200);
    expect(JSON.parse(mshastra.requests[0].body)[0]).toMatchObject({ user: "route-user", sender: "PHONEOTP", language: "Unicode" });
  });
});
