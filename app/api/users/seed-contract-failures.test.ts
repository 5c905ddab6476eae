import { expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

// The gateway is down (a closed port on this machine); the resend cooldown and a per-IP limit are on.
stubRouteEnv({
  SMS_PROVIDER: "mshastra",
  MSHASTRA_API_URL: "http://127.0.0.1:9/sendsms_api_json.aspx",
  MSHASTRA_USER: "user",
  MSHASTRA_PASSWORD: "secret-password",
  MSHASTRA_SENDER: "App",
  SMS_MAX_RETRIES: "0",
  OTP_RESEND_COOLDOWN_SECONDS: "30",
  OTP_MAX_SENDS_PER_IP_PER_HOUR: "2",
  TRUST_PROXY: "1",
});
const { POST: sendOtp } = await import("./send-otp/route");

describeEachDatabase("seed contract when sending fails or is refused", (use) => {
  useDatabaseForRoutes(use);

  it("answers 500 'Failed to send OTP' when the gateway fails, lets the user retry at once, and 429 when a limit refuses", async () => {
    const phone = uniquePhone();
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const body = JSON.stringify({ phone: phone.slice(1), verification_type: "Login" });
    const req = () =>
      new Request("http://localhost/api/users/send-otp/", { method: "POST", headers: { "Content-Type": "application/json", "X-Forwarded-For": ip }, body });
    const failed = await sendOtp(req());
    expect({ status: failed.status, body: await failed.text() }).toEqual({
      status: 500,
      body: '{"message":"Failed to send OTP. Please try again.","status":"error"}',
    });
    const row = await use().db.verification.findFirstOrThrow({ where: { phone } });
    expect(row.status).toBe("failed");
    // Nothing reached the phone, so the resend cooldown does not apply: the retry is tried (and fails).
    expect((await sendOtp(req())).status).toBe(500);
    // The per-IP limit counts every send, delivered or not.
    const refused = await sendOtp(req());
    expect({ status: refused.status, body: await refused.text() }).toEqual({
      status: 429,
      body: '{"message":"Too many OTP requests. Please try again later."}',
    });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
