/**
 * Replays the seed guide's documented requests byte for byte (section 8, "Testing") and checks its
 * documented answers, so clients of the Django version switch over unchanged.
 */
import { expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { lastCodeSentTo } from "@/test/otp-context";
import { stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

// Seed parity: 4-digit codes, as the guide's clients expect.
stubRouteEnv({ OTP_LENGTH: "4", OTP_TEST_NUMBERS: "" });
const { POST: sendOtp } = await import("./send-otp/route");
const { POST: verifyOtp } = await import("./verify-otp/route");

function curl(path: string, data: string, contentType = "application/json"): Request {
  return new Request(`http://localhost:8000${path}`, { method: "POST", headers: { "Content-Type": contentType }, body: data });
}

async function answer(res: Response) {
  return { status: res.status, body: await res.text() };
}

describeEachDatabase("seed contract /api/users/*-otp/", (use) => {
  useDatabaseForRoutes(use);

  it("refuses a chunked body over 16 KB with 413 after reading only the first 16 KB", async () => {
    for (const route of [sendOtp, verifyOtp]) {
      let pulled = 0;
      // Endless and without Content-Length: a reader that buffered the whole body would never answer.
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1024;
          controller.enqueue(new Uint8Array(1024).fill(32));
        },
      });
      const req = new Request("http://localhost/api/users/send-otp/", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: endless,
        duplex: "half",
      } as RequestInit);
      const res = await route(req);
      expect(res.status).toBe(413);
      expect((await res.json()).message).toBe("Request body too large");
      expect(pulled).toBeLessThan(64 * 1024);
    }
  });

  it("replays the guide's send curl and answers its exact body", async () => {
    const res = await sendOtp(curl("/api/users/send-otp/", '{"phone": "255694230173", "verification_type": "Login"}'));
    expect(await answer(res)).toEqual({ status: 200, body: '{"message":"OTP sent successfully","status":"success"}' });
  });

  it("replays the guide's verify curl: 1234 is not the code, so it answers Invalid OTP code", async () => {
    await sendOtp(curl("/api/users/send-otp/", '{"phone": "255694230175", "verification_type": "Login"}'));
    const code = lastCodeSentTo("+255694230175");
    const wrong = code === "1234" ? "4321" : "1234";
    const res = await verifyOtp(curl("/api/users/verify-otp/", `{"phone": "255694230175", "otp": "${wrong}", "verification_type": "Login"}`));
    expect(await answer(res)).toEqual({ status: 400, body: '{"message":"Invalid OTP code","status":"error","verified":false}' });
    const ok = await verifyOtp(curl("/api/users/verify-otp/", `{"phone": "255694230175", "otp": "${code}", "verification_type": "Login"}`));
    expect(await answer(ok)).toEqual({ status: 200, body: '{"message":"OTP verified successfully","status":"success","verified":true}' });
  });

  it("answers the guide's validation messages", async () => {
    const cases: [Request, number, string][] = [
      [curl("/api/users/send-otp/", "{}"), 400, '{"message":"Phone number is required"}'],
      [curl("/api/users/send-otp/", '{"phone": "   "}'), 400, '{"message":"Phone number is required"}'],
      [curl("/api/users/send-otp/", '{"phone": "12ab"}'), 400, '{"message":"Invalid phone number format"}'],
      [curl("/api/users/send-otp/", "not json at all"), 400, '{"message":"Phone number is required"}'],
      [curl("/api/users/verify-otp/", '{"otp": "1234"}'), 400, '{"message":"Phone number is required","status":"error","verified":false}'],
      [curl("/api/users/verify-otp/", '{"phone": "255694230173"}'), 400, '{"message":"OTP code is required","status":"error","verified":false}'],
      [curl("/api/users/verify-otp/", '{"phone": "255694230173", "otp": "12a4"}'), 400, '{"message":"OTP must be numeric","status":"error","verified":false}'],
      [curl("/api/users/verify-otp/", '{"phone": "255694230173", "otp": "12²4"}'), 400, '{"message":"OTP must be numeric","status":"error","verified":false}'],
    ];
    for (const [req, status, body] of cases) {
      const handler = req.url.includes("verify") ? verifyOtp : sendOtp;
      expect(await answer(await handler(req))).toEqual({ status, body });
    }
  });

  it("answers an expired code with the guide's message", async () => {
    const phone = uniquePhone();
    await sendOtp(curl("/api/users/send-otp/", JSON.stringify({ phone: phone.slice(1) })));
    const code = lastCodeSentTo(phone);
    await use().db.verification.updateMany({ where: { phone }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await verifyOtp(curl("/api/users/verify-otp/", JSON.stringify({ phone: phone.slice(1), otp: code })));
    expect(await answer(res)).toEqual({
      status: 400,
      body: '{"message":"OTP code has expired. Please request a new one.","status":"error","verified":false}',
    });
  });

  it("accepts form-encoded bodies like Django REST framework did", async () => {
    const phone = uniquePhone();
    const res = await sendOtp(curl("/api/users/send-otp/", `phone=${encodeURIComponent(phone)}&verification_type=Login`, "application/x-www-form-urlencoded"));
    expect(res.status).toBe(200);
    const ok = await verifyOtp(curl("/api/users/verify-otp/", `phone=${encodeURIComponent(phone)}&otp=${lastCodeSentTo(phone)}`, "application/x-www-form-urlencoded"));
    expect(ok.status).toBe(200);
  });
});
