import type { Env } from "../env";
import type { PhoneConfig } from "../phone";

/** What the OTP engine needs from the configuration; built from env() in the app, by hand in tests. */
export type OtpConfig = {
  secret: string;
  codeLength: number;
  ttlSeconds: number;
  maxAttempts: number;
  purposes: string[];
  resendCooldownSeconds: number;
  maxSendsPerPhonePerHour: number;
  maxSendsPerPhonePerDay: number;
  maxSendsPerIpPerHour: number;
  maxVerifyPerIpPerHour: number;
  loginTokenTtlSeconds: number;
  /** The signed verification result (verificationToken): lifetime and `iss` claim. */
  verificationToken: { ttlSeconds: number; issuer: string };
  /** E.164 → fixed code. Empty unless configured (and, in production, explicitly allowed). */
  testNumbers: Map<string, string>;
  phone: PhoneConfig;
  sms: Pick<Env, "APP_NAME" | "SMS_TEMPLATE" | "SMS_TEMPLATES" | "WEBOTP_DOMAIN">;
};

/** "+255700000001:123456, +255700000002:654321" → Map. Bad entries are configuration errors. */
export function parseTestNumbers(value: string, codeLength: number): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\+[1-9]\d{6,14}):(\d+)$/.exec(entry.replace(/\s/g, ""));
    if (!m || m[2].length !== codeLength) {
      throw new Error(`OTP_TEST_NUMBERS: '${entry.split(":")[0]}' must look like +255700000001:${"1".repeat(codeLength)} (E.164, then a ${codeLength}-digit code)`);
    }
    map.set(m[1], m[2]);
  }
  return map;
}

export function otpConfigFromEnv(env: Env): OtpConfig {
  const testNumbersAllowed = !env.isProduction || env.OTP_TEST_NUMBERS_IN_PRODUCTION;
  return {
    secret: env.OTP_SECRET,
    codeLength: env.OTP_LENGTH,
    ttlSeconds: env.OTP_TTL_SECONDS,
    maxAttempts: env.OTP_MAX_ATTEMPTS,
    purposes: env.OTP_PURPOSES,
    resendCooldownSeconds: env.OTP_RESEND_COOLDOWN_SECONDS,
    maxSendsPerPhonePerHour: env.OTP_MAX_SENDS_PER_PHONE_PER_HOUR,
    maxSendsPerPhonePerDay: env.OTP_MAX_SENDS_PER_PHONE_PER_DAY,
    maxSendsPerIpPerHour: env.OTP_MAX_SENDS_PER_IP_PER_HOUR,
    maxVerifyPerIpPerHour: env.OTP_MAX_VERIFY_PER_IP_PER_HOUR,
    loginTokenTtlSeconds: env.OTP_LOGIN_TOKEN_TTL_SECONDS,
    verificationToken: { ttlSeconds: env.OTP_VERIFICATION_TOKEN_TTL_SECONDS, issuer: tokenIssuer(env) },
    testNumbers: testNumbersAllowed ? parseTestNumbers(env.OTP_TEST_NUMBERS, env.OTP_LENGTH) : new Map(),
    phone: { defaultCountry: env.PHONE_DEFAULT_COUNTRY, allowedCountries: env.PHONE_ALLOWED_COUNTRIES },
    sms: { APP_NAME: env.APP_NAME, SMS_TEMPLATE: env.SMS_TEMPLATE, SMS_TEMPLATES: env.SMS_TEMPLATES, WEBOTP_DOMAIN: env.WEBOTP_DOMAIN },
  };
}

/** The `iss` of verification tokens: the public origin when NEXTAUTH_URL is set, else "phoneotp". */
export function tokenIssuer(env: Pick<Env, "NEXTAUTH_URL">): string {
  return env.NEXTAUTH_URL ? new URL(env.NEXTAUTH_URL).origin : "phoneotp";
}
