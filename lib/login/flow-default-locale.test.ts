/**
 * A form post that carries no locale (an old page, a hand-made post) words its problems in the
 * instance's DEFAULT_LOCALE, not in English. Its own file: lib/env is parsed once per process.
 */
import { describe, expect, it } from "vitest";

Object.assign(process.env, {
  DATABASE_URL: "memory://",
  OTP_SECRET: "flow-locale-test-otp-secret-0123456789abcdef",
  NEXTAUTH_SECRET: "flow-locale-test-nextauth-secret-0123456789",
  SMS_PROVIDER: "console",
  PHONE_DEFAULT_COUNTRY: "TZ",
  DEFAULT_LOCALE: "fr",
  LOCALES: "en,fr",
  LOG_LEVEL: "error",
});

describe("login form steps without a locale", () => {
  it("says a channel is not offered in DEFAULT_LOCALE when the form names no language", async () => {
    const flow = await import("./flow");
    // No CHANNEL_ROUTES: SMS only, so a press of "Send by WhatsApp" is refused before any send.
    const result = await flow.sendStep(null, { intent: "confirm", phone: "+255712000001", country: "TZ", channel: "whatsapp" }, { ip: "203.0.113.8", userAgent: "vitest" });
    expect(result).toMatchObject({ stage: "phone", phoneError: { code: "validation_error" } });
    expect(result.phoneError?.message).toBe("WhatsApp n’est pas disponible pour ce numéro. Choisissez un autre moyen.");
  });
});
