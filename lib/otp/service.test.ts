import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/errors";
import { createTestDatabase, DATABASE_KINDS, describeEachDatabase, uniquePhone } from "@/test/db";
import { createClock, createTestContext, lastCodeSentTo } from "@/test/otp-context";
import { latestOutboxMessage } from "@/lib/sms/console";
import { consumeLoginToken, sendOtp, verifyOtp } from "./service";

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

function wrong(code: string): string {
  return code.replace(/^./, (d) => String((Number(d) + 1) % 10));
}

describeEachDatabase("OTP service", (use) => {
  it("sends a 6-digit code and stores only its HMAC, never the code", async () => {
    const { ctx } = createTestContext(use().db);
    const phone = uniquePhone();
    const sent = await sendOtp(ctx, { phone, ip: "10.0.0.1" });
    const code = lastCodeSentTo(phone);
    expect(code).toMatch(/^\d{6}$/);
    expect(sent).toMatchObject({ status: "sent", phone });
    expect(sent.expiresAt.getTime() - ctx.now().getTime()).toBe(300_000);
    expect(sent.resendAfter.getTime() - ctx.now().getTime()).toBe(30_000);
    const row = await use().db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } });
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(code);
    const sms = await use().db.smsMessage.findMany({ where: { verificationId: sent.verificationId } });
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ provider: "console", status: "sent", attempt: 1 });
    expect(sms[0].text).toContain("******");
    expect(sms[0].text).not.toContain(code);
    expect(row).toMatchObject({ smsProvider: "console", smsStatus: "sent", status: "pending" });
  });

  it("accepts the seed's international input without + and national input for the default country", async () => {
    const { ctx } = createTestContext(use().db, { OTP_RESEND_COOLDOWN_SECONDS: "0" });
    const a = await sendOtp(ctx, { phone: "255694230173" });
    expect(a.phone).toBe("+255694230173");
    const b = await sendOtp(ctx, { phone: "0694 230 174" });
    expect(b.phone).toBe("+255694230174");
  });

  it("verifies the right code once and hands out a single-use login token", async () => {
    const { ctx } = createTestContext(use().db);
    const phone = uniquePhone();
    await sendOtp(ctx, { phone });
    const code = lastCodeSentTo(phone);
    const result = await verifyOtp(ctx, { phone, code });
    expect(result).toMatchObject({ status: "verified", phone, purpose: "Login" });
    expect((await failure(verifyOtp(ctx, { phone, code }))).code).toBe("not_found");
    expect(await consumeLoginToken(ctx, { token: result.loginToken, purpose: "Login" })).toEqual({
      phone,
      verificationId: result.verificationId,
    });
    expect((await failure(consumeLoginToken(ctx, { token: result.loginToken, purpose: "Login" }))).code).toBe("invalid_code");
  });

  it("refuses a login token after its time to live or for another purpose", async () => {
    const { ctx, clock } = createTestContext(use().db, { OTP_LOGIN_TOKEN_TTL_SECONDS: "60" });
    const phone = uniquePhone();
    await sendOtp(ctx, { phone });
    const { loginToken } = await verifyOtp(ctx, { phone, code: lastCodeSentTo(phone) });
    expect((await failure(consumeLoginToken(ctx, { token: loginToken, purpose: "Registration" }))).code).toBe("invalid_code");
    expect((await failure(consumeLoginToken(ctx, { token: `${loginToken}x`, purpose: "Login" }))).code).toBe("invalid_code");
    clock.advance(61);
    expect((await failure(consumeLoginToken(ctx, { token: loginToken, purpose: "Login" }))).code).toBe("invalid_code");
  });

  it("counts wrong codes, says how many attempts are left, and locks at the limit", async () => {
    const { ctx } = createTestContext(use().db, { OTP_MAX_ATTEMPTS: "3" });
    const phone = uniquePhone();
    const sent = await sendOtp(ctx, { phone });
    const code = lastCodeSentTo(phone);
    const first = await failure(verifyOtp(ctx, { phone, code: wrong(code) }));
    expect(first.code).toBe("invalid_code");
    expect(first.details.attemptsLeft).toBe(2);
    expect((await failure(verifyOtp(ctx, { phone, code: wrong(code) }))).details.attemptsLeft).toBe(1);
    expect((await failure(verifyOtp(ctx, { phone, code: wrong(code) }))).code).toBe("locked");
    // Even the right code is refused once locked.
    expect((await failure(verifyOtp(ctx, { phone, code }))).code).toBe("locked");
    const row = await use().db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } });
    expect(row).toMatchObject({ status: "locked", attempts: 3 });
    const attempts = await use().db.verifyAttempt.findMany({ where: { verificationId: sent.verificationId }, orderBy: { createdAt: "asc" } });
    expect(attempts.map((a) => a.result)).toEqual(["invalid_code", "invalid_code", "locked", "locked"].slice(0, attempts.length));
  });

  it("expires codes after OTP_TTL_SECONDS without spending an attempt", async () => {
    const { ctx, clock } = createTestContext(use().db, { OTP_TTL_SECONDS: "60" });
    const phone = uniquePhone();
    const sent = await sendOtp(ctx, { phone });
    const code = lastCodeSentTo(phone);
    clock.advance(60);
    expect((await failure(verifyOtp(ctx, { phone, code }))).code).toBe("expired");
    expect((await failure(verifyOtp(ctx, { phone, code }))).code).toBe("expired");
    const row = await use().db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } });
    expect(row).toMatchObject({ status: "expired", attempts: 0, verifiedAt: null });
  });

  it("accepts a code one second before it expires", async () => {
    const { ctx, clock } = createTestContext(use().db, { OTP_TTL_SECONDS: "60" });
    const phone = uniquePhone();
    await sendOtp(ctx, { phone });
    clock.advance(59);
    expect((await verifyOtp(ctx, { phone, code: lastCodeSentTo(phone) })).status).toBe("verified");
  });

  it("supersedes the previous code when a new one is sent", async () => {
    const { ctx, clock } = createTestContext(use().db);
    const phone = uniquePhone();
    const first = await sendOtp(ctx, { phone });
    const oldCode = lastCodeSentTo(phone);
    clock.advance(30);
    await sendOtp(ctx, { phone });
    const newCode = lastCodeSentTo(phone);
    if (oldCode !== newCode) {
      expect((await failure(verifyOtp(ctx, { phone, code: oldCode }))).code).toBe("invalid_code");
    }
    expect((await verifyOtp(ctx, { phone, code: newCode })).status).toBe("verified");
    const old = await use().db.verification.findUniqueOrThrow({ where: { id: first.verificationId } });
    expect(old.status).toBe("superseded");
  });

  it("keeps purposes apart: a Login code does not verify Registration", async () => {
    const { ctx } = createTestContext(use().db);
    const phone = uniquePhone();
    await sendOtp(ctx, { phone, purpose: "Login" });
    const code = lastCodeSentTo(phone);
    expect((await failure(verifyOtp(ctx, { phone, code, purpose: "Registration" }))).code).toBe("not_found");
    expect((await failure(verifyOtp(ctx, { phone, code, purpose: "Nonsense" }))).code).toBe("validation_error");
    expect((await verifyOtp(ctx, { phone, code, purpose: "login" })).purpose).toBe("Login");
  });

  it("refuses a resend inside the cooldown with the seconds to wait", async () => {
    const { ctx, clock } = createTestContext(use().db, { OTP_RESEND_COOLDOWN_SECONDS: "30" });
    const phone = uniquePhone();
    await sendOtp(ctx, { phone });
    clock.advance(10);
    const refused = await failure(sendOtp(ctx, { phone }));
    expect(refused.code).toBe("rate_limited");
    expect(refused.details.retryAfter).toBe(20);
    // The cooldown is per purpose.
    await sendOtp(ctx, { phone, purpose: "Registration" });
    clock.advance(20);
    await sendOtp(ctx, { phone });
    const audit = await use().db.auditEvent.count({ where: { type: "rate_limited", phone } });
    expect(audit).toBe(1);
  });

  it("limits sends per phone per hour, not counting codes that were verified", async () => {
    const { ctx, clock } = createTestContext(use().db, {
      OTP_RESEND_COOLDOWN_SECONDS: "0",
      OTP_MAX_SENDS_PER_PHONE_PER_HOUR: "3",
    });
    const phone = uniquePhone();
    await sendOtp(ctx, { phone });
    await verifyOtp(ctx, { phone, code: lastCodeSentTo(phone) });
    for (let i = 0; i < 3; i++) {
      clock.advance(60);
      await sendOtp(ctx, { phone });
    }
    clock.advance(60);
    const refused = await failure(sendOtp(ctx, { phone }));
    expect(refused.code).toBe("rate_limited");
    // The oldest counted send (at +60 s) leaves the window one hour later: now is +240 s.
    expect(refused.details.retryAfter).toBe(3600 - 180);
    clock.advance(3600 - 180);
    await sendOtp(ctx, { phone });
  });

  it("limits sends per phone per day", async () => {
    const { ctx, clock } = createTestContext(use().db, {
      OTP_RESEND_COOLDOWN_SECONDS: "0",
      OTP_MAX_SENDS_PER_PHONE_PER_HOUR: "0",
      OTP_MAX_SENDS_PER_PHONE_PER_DAY: "2",
    });
    const phone = uniquePhone();
    await sendOtp(ctx, { phone });
    clock.advance(7200);
    await sendOtp(ctx, { phone });
    clock.advance(7200);
    const refused = await failure(sendOtp(ctx, { phone }));
    expect(refused.code).toBe("rate_limited");
    expect(refused.details.retryAfter).toBe(86400 - 14400);
  });

  it("limits sends per client IP per hour across phone numbers, and 0 switches a limit off", async () => {
    const { ctx } = createTestContext(use().db, { OTP_MAX_SENDS_PER_IP_PER_HOUR: "2" });
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    await sendOtp(ctx, { phone: uniquePhone(), ip });
    await sendOtp(ctx, { phone: uniquePhone(), ip });
    expect((await failure(sendOtp(ctx, { phone: uniquePhone(), ip }))).code).toBe("rate_limited");
    await sendOtp(ctx, { phone: uniquePhone(), ip: "198.51.100.251" });

    const { ctx: unlimited } = createTestContext(use().db, { OTP_MAX_SENDS_PER_IP_PER_HOUR: "0" });
    const ip2 = "203.0.113.77";
    for (let i = 0; i < 4; i++) await sendOtp(unlimited, { phone: uniquePhone(), ip: ip2 });
  });

  it("limits verify attempts per client IP", async () => {
    const { ctx } = createTestContext(use().db, { OTP_MAX_VERIFY_PER_IP_PER_HOUR: "3", OTP_MAX_ATTEMPTS: "10" });
    const phone = uniquePhone();
    const ip = "192.0.2.33";
    await sendOtp(ctx, { phone, ip });
    const code = lastCodeSentTo(phone);
    for (let i = 0; i < 3; i++) await failure(verifyOtp(ctx, { phone, code: wrong(code), ip }));
    const refused = await failure(verifyOtp(ctx, { phone, code, ip }));
    expect(refused.code).toBe("rate_limited");
    expect(refused.details.retryAfter).toBeGreaterThan(0);
    // The right code still works from another address.
    expect((await verifyOtp(ctx, { phone, code, ip: "192.0.2.34" })).status).toBe("verified");
  });

  it("never sends to an invalid number", async () => {
    const { ctx } = createTestContext(use().db);
    for (const phone of ["12", "+999123", "hello", "⁰⁶⁹⁴²³⁰¹⁷³", "<script>", "+255 22 211 1111"]) {
      expect((await failure(sendOtp(ctx, { phone }))).code).toBe("invalid_phone");
    }
    expect(await use().db.verification.count({ where: { phone: "+255222111111" } })).toBe(0);
  });

  it("refuses countries outside PHONE_ALLOWED_COUNTRIES", async () => {
    const { ctx } = createTestContext(use().db, { PHONE_ALLOWED_COUNTRIES: "TZ,KE" });
    const refused = await failure(sendOtp(ctx, { phone: "+447911123456" }));
    expect(refused.code).toBe("invalid_phone");
    expect(refused.message).toMatch(/country/);
    await sendOtp(ctx, { phone: "+254712345678" });
  });

  it("refuses VoIP, satellite and premium-rate numbers with a message saying why, and sends nothing", async () => {
    const { ctx } = createTestContext(use().db, { PHONE_ALLOWED_COUNTRIES: "*" });
    const cases: [string, RegExp][] = [
      ["+44 56 1234 5678", /VoIP/],
      ["+881 631 234 567", /Satellite/],
      ["+870 773 111 632", /Satellite/],
      ["+44 909 876 0000", /Premium-rate/],
    ];
    for (const [phone, message] of cases) {
      const refused = await failure(sendOtp(ctx, { phone }));
      expect(refused.code).toBe("invalid_phone");
      expect(refused.message).toMatch(message);
      expect(refused.details.fields?.phone).toBe(refused.message);
    }
    expect(await use().db.verification.count({ where: { phone: { in: ["+445612345678", "+881631234567", "+870773111632"] } } })).toBe(0);
    // Configured test numbers (often fictional or non-mobile ranges) keep working as written.
    const { ctx: withTest } = createTestContext(use().db, { OTP_TEST_NUMBERS: "+15005550007:424242", PHONE_ALLOWED_COUNTRIES: "TZ" });
    expect((await sendOtp(withTest, { phone: "+15005550007" })).status).toBe("sent");
  });

  it("gives test numbers their fixed code without sending an SMS, and records the use", async () => {
    const { ctx } = createTestContext(use().db, { OTP_TEST_NUMBERS: "+15005550006:424242", OTP_MAX_ATTEMPTS: "2" });
    const sent = await sendOtp(ctx, { phone: "+1 500 555 0006" });
    expect(sent.phone).toBe("+15005550006");
    expect(latestOutboxMessage("+15005550006")).toBeUndefined();
    expect((await failure(verifyOtp(ctx, { phone: "+15005550006", code: "111111" }))).details.attemptsLeft).toBe(1);
    expect((await verifyOtp(ctx, { phone: "+15005550006", code: "424242" })).status).toBe("verified");
    const row = await use().db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } });
    expect(row.isTestNumber).toBe(true);
    expect(await use().db.auditEvent.count({ where: { type: "test_number_used", phone: "+15005550006" } })).toBeGreaterThan(0);
  });

  it("marks the verification failed when every provider fails, and its code can never be used", async () => {
    // A real connection to a closed port: the gateway is down.
    const { ctx } = createTestContext(use().db, {
      SMS_PROVIDER: "mshastra",
      MSHASTRA_API_URL: "http://127.0.0.1:9/sendsms_api_json.aspx",
      MSHASTRA_USER: "u",
      MSHASTRA_PASSWORD: "p4ssw0rd-secret",
      MSHASTRA_SENDER: "App",
      SMS_MAX_RETRIES: "1",
    });
    const phone = uniquePhone();
    const refused = await failure(sendOtp(ctx, { phone }));
    expect(refused.code).toBe("sms_failed");
    expect(refused.status).toBe(502);
    const row = await use().db.verification.findFirstOrThrow({ where: { phone } });
    expect(row).toMatchObject({ status: "failed", smsStatus: "failed", smsProvider: "mshastra" });
    const sms = await use().db.smsMessage.findMany({ where: { verificationId: row.id }, orderBy: { attempt: "asc" } });
    expect(sms.map((s) => [s.attempt, s.status, s.errorCode])).toEqual([
      [1, "failed", "network_error"],
      [2, "failed", "network_error"],
    ]);
    expect(JSON.stringify(sms)).not.toContain("p4ssw0rd-secret");
    expect((await failure(verifyOtp(ctx, { phone, code: "000000" }))).code).toBe("not_found");
  });

  it("does not hold a send whose SMS failed against the user (cooldown, per-phone limits), only against the IP", async () => {
    const limits = { OTP_RESEND_COOLDOWN_SECONDS: "30", OTP_MAX_SENDS_PER_PHONE_PER_HOUR: "2", OTP_MAX_SENDS_PER_IP_PER_HOUR: "4" };
    const { ctx: down, clock } = createTestContext(use().db, {
      ...limits,
      SMS_PROVIDER: "mshastra",
      MSHASTRA_API_URL: "http://127.0.0.1:9/sendsms_api_json.aspx",
      MSHASTRA_USER: "u",
      MSHASTRA_PASSWORD: "p",
      MSHASTRA_SENDER: "App",
      SMS_MAX_RETRIES: "0",
    });
    const { ctx: up } = createTestContext(use().db, limits, clock);
    const phone = uniquePhone();
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    // Three failed sends in a row during an outage: no cooldown, no hourly limit in the way.
    for (let i = 0; i < 3; i++) expect((await failure(sendOtp(down, { phone, ip }))).code).toBe("sms_failed");
    // The gateway is back: the very next send goes out, and the cooldown applies from it.
    await sendOtp(up, { phone, ip });
    expect((await failure(sendOtp(up, { phone, ip }))).details.retryAfter).toBe(30);
    // The IP limit counted all four sends.
    clock.advance(30);
    const refused = await failure(sendOtp(up, { phone: uniquePhone(), ip }));
    expect(refused.message).toMatch(/from your network/);
  });

  it("allows exactly one success when the same code is verified concurrently", async () => {
    const { ctx } = createTestContext(use().db);
    const phone = uniquePhone();
    await sendOtp(ctx, { phone });
    const code = lastCodeSentTo(phone);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => verifyOtp(ctx, { phone, code })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as AppError).code] : []));
    expect(new Set(codes)).toEqual(new Set(["not_found"]));
  });

  it("counts every one of 50 concurrent wrong codes exactly once", async () => {
    const { ctx } = createTestContext(use().db, { OTP_MAX_ATTEMPTS: "100" });
    const phone = uniquePhone();
    const sent = await sendOtp(ctx, { phone });
    const code = lastCodeSentTo(phone);
    await Promise.allSettled(Array.from({ length: 50 }, () => verifyOtp(ctx, { phone, code: wrong(code) })));
    const row = await use().db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } });
    expect(row).toMatchObject({ attempts: 50, status: "pending" });
  });

  it("caps 50 concurrent wrong codes at the lock", async () => {
    const { ctx } = createTestContext(use().db, { OTP_MAX_ATTEMPTS: "5" });
    const phone = uniquePhone();
    const sent = await sendOtp(ctx, { phone });
    const code = lastCodeSentTo(phone);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => verifyOtp(ctx, { phone, code: wrong(code) })));
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as AppError).code : "ok"));
    expect(codes.filter((c) => c === "invalid_code")).toHaveLength(4);
    expect(codes.filter((c) => c === "locked")).toHaveLength(46);
    const row = await use().db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } });
    expect(row).toMatchObject({ attempts: 5, status: "locked" });
  });

  it("lets only as many concurrent sends through as the per-phone limit allows", async () => {
    const { ctx } = createTestContext(use().db, { OTP_RESEND_COOLDOWN_SECONDS: "0", OTP_MAX_SENDS_PER_PHONE_PER_HOUR: "3" });
    const phone = uniquePhone();
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => sendOtp(ctx, { phone })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const rows = await use().db.verification.findMany({ where: { phone } });
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.status === "pending")).toHaveLength(1);
  });

  it("exchanges a login token exactly once under concurrency", async () => {
    const { ctx } = createTestContext(use().db);
    const phone = uniquePhone();
    await sendOtp(ctx, { phone });
    const { loginToken } = await verifyOtp(ctx, { phone, code: lastCodeSentTo(phone) });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => consumeLoginToken(ctx, { token: loginToken, purpose: "Login" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});

describe.runIf(DATABASE_KINDS.includes("postgres"))("two app instances on one PostgreSQL", () => {
  it("allows exactly one success and counts every wrong code once across both instances", async () => {
    const first = await createTestDatabase("postgres");
    // A second, independent client and pool on the same database: another app instance.
    const { openDatabase } = await import("@/lib/db/connection");
    const second = await openDatabase({ kind: "postgres", url: first.url! });
    try {
      const clock = createClock();
      const a = createTestContext(first.db, { OTP_MAX_ATTEMPTS: "100" }, clock).ctx;
      const b = createTestContext(second.db, { OTP_MAX_ATTEMPTS: "100" }, clock).ctx;
      const phone = uniquePhone();
      const sent = await sendOtp(a, { phone });
      const code = lastCodeSentTo(phone);
      await Promise.allSettled(Array.from({ length: 40 }, (_, i) => verifyOtp(i % 2 ? a : b, { phone, code: wrong(code) })));
      expect((await first.db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } })).attempts).toBe(40);
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => verifyOtp(i % 2 ? a : b, { phone, code })));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    } finally {
      await second.close();
      await first.drop();
    }
  });
});
