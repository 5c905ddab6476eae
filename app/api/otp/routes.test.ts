import fc from "fast-check";
import { expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { lastCodeSentTo } from "@/test/otp-context";
import { post, stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

// One fixed code with a leading zero (a test number: no SMS), for the strictness rule.
stubRouteEnv({ OTP_TEST_NUMBERS: "+255700000777:012345" });
const { POST: send } = await import("./send/route");
const { POST: verify } = await import("./verify/route");

describeEachDatabase("POST /api/otp/send and /api/otp/verify", (use) => {
  useDatabaseForRoutes(use);

  it("sends, then verifies, with the documented bodies", async () => {
    const phone = uniquePhone();
    const res = await send(post("/api/otp/send", { phone, purpose: "Login", extra: "ignored" }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(["channel", "expiresAt", "phone", "resendAfter", "status", "verificationId"]);
    expect(body).toMatchObject({ status: "sent", phone });
    expect(new Date(body.expiresAt).toISOString()).toBe(body.expiresAt);
    const code = lastCodeSentTo(phone);
    expect(JSON.stringify(body)).not.toContain(code);

    const ok = await verify(post("/api/otp/verify", { phone, code }));
    expect(ok.status).toBe(200);
    const verified = await ok.json();
    expect(verified).toMatchObject({ status: "verified", verificationId: body.verificationId });
    expect(verified.loginToken).toMatch(/^[\w-]+\.[\w-]{40,}$/);
  });

  it("answers in the Accept-Language of the request, with the same codes, statuses and fields", async () => {
    const bad = (language: string) => send(post("/api/otp/send", { phone: "12ab" }, { "accept-language": language }));
    const sw = await bad("sw-TZ, en;q=0.5");
    expect(sw.status).toBe(400);
    const swMessage = "Weka namba sahihi ya simu ya mkononi, pamoja na msimbo wa nchi.";
    expect(await sw.json()).toEqual({ error: { code: "invalid_phone", message: swMessage, fields: { phone: swMessage } } });
    expect((await (await bad("ar")).json()).error.message).toBe("أدخل رقم جوال صالحًا مع رمز الدولة.");
    expect((await (await bad("de, fr;q=0.4")).json()).error.message).toBe("Saisissez un numéro de mobile valide, indicatif du pays compris.");
    expect((await (await bad("de")).json()).error.message).toBe("Enter a valid mobile number, including the country code.");

    const phone = uniquePhone();
    await send(post("/api/otp/send", { phone }));
    const code = lastCodeSentTo(phone);
    const wrong = await verify(post("/api/otp/verify", { phone, code: code === "000000" ? "111111" : "000000" }, { "accept-language": "fr" }));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: { code: "invalid_code", message: "Ce code n’est pas correct. Il reste 4 tentatives.", attemptsLeft: 4 } });
  });

  it("refuses a send with a locale outside LOCALES with 400 validation_error on the locale field", async () => {
    const res = await send(post("/api/otp/send", { phone: uniquePhone(), locale: "de" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: "validation_error", message: "Unknown locale. Use one of: en, sw, fr, ar.", fields: { locale: "Unknown locale. Use one of: en, sw, fr, ar." } },
    });
    expect((await send(post("/api/otp/send", { phone: uniquePhone(), locale: 12 }))).status).toBe(400);
  });

  it("answers a wrong code with 400 invalid_code and the attempts left", async () => {
    const phone = uniquePhone();
    await send(post("/api/otp/send", { phone }));
    const code = lastCodeSentTo(phone);
    const res = await verify(post("/api/otp/verify", { phone, code: code === "000000" ? "111111" : "000000" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: "invalid_code", message: "That code is not right. 4 attempts left.", attemptsLeft: 4 },
    });
  });

  it("reads Arabic-Indic and Persian digits in the phone and the code as ASCII digits", async () => {
    const phone = uniquePhone();
    const arabic = (ascii: string) => ascii.replace(/[0-9]/g, (d) => String.fromCodePoint(0x660 + Number(d)));
    const persian = (ascii: string) => ascii.replace(/[0-9]/g, (d) => String.fromCodePoint(0x6f0 + Number(d)));
    const sent = await send(post("/api/otp/send", { phone: `+${arabic(phone.slice(1))}` }));
    expect({ status: sent.status, phone: (await sent.json()).phone }).toEqual({ status: 200, phone });
    const res = await verify(post("/api/otp/verify", { phone: `+${persian(phone.slice(1))}`, code: arabic(lastCodeSentTo(phone)) }));
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe("verified");
  });

  it("stays strict about the code: without its leading zero or as a JSON number it is not the code, and spends an attempt", async () => {
    const phone = "+255700000777";
    await send(post("/api/otp/send", { phone }));
    const unpadded = await verify(post("/api/otp/verify", { phone, code: "12345" }));
    expect((await unpadded.json()).error).toMatchObject({ code: "invalid_code", attemptsLeft: 4 });
    const number = await verify(post("/api/otp/verify", { phone, code: 12345 }));
    expect((await number.json()).error.code).toBe("validation_error");
    expect((await verify(post("/api/otp/verify", { phone, code: "012345" }))).status).toBe(200);
  });

  it("answers 404 not_found when no code is pending", async () => {
    const res = await verify(post("/api/otp/verify", { phone: uniquePhone(), code: "123456" }));
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  });

  it("rejects bad input with one error shape and field details", async () => {
    const cases: [Request, number, string][] = [
      [post("/api/otp/send", "{not json"), 400, "invalid_json"],
      [post("/api/otp/send", "[1,2]"), 400, "invalid_json"],
      [post("/api/otp/send", {}), 400, "validation_error"],
      [post("/api/otp/send", { phone: "" }), 400, "validation_error"],
      [post("/api/otp/send", { phone: 255694230173 }), 400, "validation_error"],
      [post("/api/otp/send", { phone: "not a phone" }), 400, "invalid_phone"],
      [post("/api/otp/send", { phone: "+255694230173", purpose: "'; DROP TABLE \"Verification\"; --" }), 400, "validation_error"],
      [post("/api/otp/send", { phone: "<img src=x onerror=alert(1)>" }), 400, "invalid_phone"],
      [post("/api/otp/verify", { phone: "+255694230173", code: "12³456" }), 400, "validation_error"],
      [post("/api/otp/verify", { phone: "+255694230173", code: 123456 }), 400, "validation_error"],
      [post("/api/otp/send", { phone: "+255694230173" }, { "content-type": "text/plain" }), 415, "unsupported_media_type"],
      [post("/api/otp/send", { phone: "x".repeat(20_000) }), 413, "payload_too_large"],
    ];
    for (const [req, status, code] of cases) {
      const res = await (req.url.endsWith("verify") ? verify : send)(req);
      expect({ url: req.url, status: res.status }).toEqual({ url: req.url, status });
      const body = await res.json();
      expect(body.error.code).toBe(code);
      expect(typeof body.error.message).toBe("string");
    }
    const fields = await (await send(post("/api/otp/send", {}))).json();
    expect(fields.error.fields.phone).toBeTruthy();
  });

  it("answers 429 with Retry-After when the cooldown refuses a resend", async () => {
    stubRouteEnv();
    const phone = uniquePhone();
    // The default context allows unlimited sends; check the header mapping through the domain error.
    const { sendOtp } = await import("@/lib/otp/service");
    const { createTestContext } = await import("@/test/otp-context");
    const { ctx } = createTestContext(use().db, { OTP_RESEND_COOLDOWN_SECONDS: "30" });
    await sendOtp(ctx, { phone });
    const { errorResponse } = await import("@/lib/api/handler");
    const res = await sendOtp(ctx, { phone }).then(
      () => new Response(null, { status: 200 }),
      (error) => errorResponse(error, "/api/otp/send"),
    );
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    expect((await res.json()).error).toMatchObject({ code: "rate_limited", retryAfter: 30 });
  });

  it("never answers 500 and never leaks a code, whatever JSON or text is thrown at it", async () => {
    const phone = uniquePhone();
    await send(post("/api/otp/send", { phone }));
    const code = lastCodeSentTo(phone);
    const anything = fc.oneof(
      fc.jsonValue(),
      fc.record({ phone: fc.oneof(fc.string(), fc.constant(phone), fc.jsonValue()), code: fc.oneof(fc.string(), fc.jsonValue()), purpose: fc.oneof(fc.string(), fc.jsonValue()) }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(anything, fc.boolean(), fc.string(), async (body, asText, raw) => {
        const payload = asText ? raw : JSON.stringify(body);
        for (const handler of [send, verify]) {
          const res = await handler(post("/api/otp/x", payload));
          expect(res.status).toBeGreaterThanOrEqual(200);
          expect(res.status).toBeLessThan(500);
          const text = await res.text();
          expect(text).not.toContain(code);
          expect(text).not.toMatch(/at \w+ \(|stack|prisma/i);
          if (res.status >= 400) expect(JSON.parse(text).error.code).toEqual(expect.any(String));
        }
      }),
      { numRuns: 150 },
    );
  });
});
