import { createHmac } from "node:crypto";
import type { Env } from "../env";
import type { PhoneConfig } from "../phone";
import { smsLocaleConfig, type SmsLocaleConfig } from "../sms/locale";

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
  guard: GuardConfig;
  challenge: ChallengeConfig;
  sms: Pick<Env, "APP_NAME" | "SMS_TEMPLATE" | "SMS_TEMPLATES" | "WEBOTP_DOMAIN" | "DEFAULT_LOCALE">;
  /** Which language each SMS is written in (lib/sms/locale.ts). */
  smsLocale: SmsLocaleConfig;
};

export type GuardMode = "off" | "monitor" | "enforce";

/** The fraud guard's settings (docs/abuse.md); budgets are per clock hour, 0 = off. */
export type GuardConfig = {
  /** OTP_FRAUD_GUARD; an admin's choice on the Protection page (stored in the database) wins. */
  mode: GuardMode;
  maxSendsPerHour: number;
  maxSendsPerCountryPerHour: number;
  countryBudgets: Map<string, number>;
  maxSendsPerPrefixPerHour: number;
  prefixTailDigits: number;
  windowSeconds: number;
  minSendsPerPrefix: number;
  /** A range with no sends over the baseline period and nothing verified is judged after this many (0 = off). */
  minSendsNewPrefix: number;
  /** OTP_CHALLENGE=adaptive asks a range with this many sends in the window and a low verify rate (0 = off). */
  suspectSends: number;
  minSendsPerCountry: number;
  /** 0..1 */
  minVerifyRate: number;
  baselineDays: number;
  baselineFactor: number;
  blockSeconds: number;
};

export type ChallengeConfig = {
  mode: "off" | "adaptive" | "always";
  provider: "altcha" | "turnstile" | "hcaptcha";
  /** ALTCHA: HMAC key derived from OTP_SECRET; the largest number a solver may have to try. */
  hmacKey: string;
  maxNumber: number;
  ttlSeconds: number;
  siteKey?: string;
  secret?: string;
  verifyUrl: string;
  scriptUrl: string;
};

const PROVIDER_URLS = {
  altcha: { verify: "", script: "" },
  turnstile: { verify: "https://challenges.cloudflare.com/turnstile/v0/siteverify", script: "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit" },
  hcaptcha: { verify: "https://api.hcaptcha.com/siteverify", script: "https://js.hcaptcha.com/1/api.js?render=explicit" },
} as const;

/**
 * Whether sends may ask for a challenge, which one, and where a Turnstile / hCaptcha widget's script
 * is loaded from. proxy.ts reads it too: the pages' CSP lets exactly that widget in (lib/security/csp.ts).
 */
export function challengeWidget(env: Pick<Env, "OTP_CHALLENGE" | "OTP_CHALLENGE_PROVIDER" | "OTP_CHALLENGE_SCRIPT_URL" | "isProduction">) {
  const provider = env.OTP_CHALLENGE_PROVIDER;
  const mode: ChallengeConfig["mode"] = env.OTP_CHALLENGE ?? (env.isProduction ? "adaptive" : "off");
  return { mode, provider, scriptUrl: env.OTP_CHALLENGE_SCRIPT_URL ?? PROVIDER_URLS[provider].script };
}

/** "TZ:5000, KE:500" → Map (country → sends per hour). Bad entries are configuration errors. */
export function parseCountryBudgets(value: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const entry of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]{2})\s*:\s*(\d{1,9})$/.exec(entry);
    if (!m) throw new Error(`OTP_COUNTRY_BUDGETS: '${entry}' must look like TZ:5000 (country code, then sends per hour)`);
    map.set(m[1].toUpperCase(), Number(m[2]));
  }
  return map;
}

/** "+255712345678" → "+25571234" with 4 tail digits: the range a number belongs to. */
export function phoneRange(e164: string, tailDigits: number): string {
  return e164.length - tailDigits >= 4 ? e164.slice(0, e164.length - tailDigits) : e164;
}

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
  const provider = env.OTP_CHALLENGE_PROVIDER;
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
    phone: { defaultCountry: env.PHONE_DEFAULT_COUNTRY, allowedCountries: env.PHONE_ALLOWED_COUNTRIES, allowedTypes: env.PHONE_ALLOWED_TYPES },
    guard: {
      mode: env.OTP_FRAUD_GUARD ?? (env.isProduction ? "enforce" : "monitor"),
      maxSendsPerHour: env.OTP_MAX_SENDS_PER_HOUR,
      maxSendsPerCountryPerHour: env.OTP_MAX_SENDS_PER_COUNTRY_PER_HOUR,
      countryBudgets: parseCountryBudgets(env.OTP_COUNTRY_BUDGETS),
      maxSendsPerPrefixPerHour: env.OTP_MAX_SENDS_PER_PREFIX_PER_HOUR,
      prefixTailDigits: env.OTP_PREFIX_TAIL_DIGITS,
      windowSeconds: env.OTP_GUARD_WINDOW_SECONDS,
      minSendsPerPrefix: env.OTP_GUARD_MIN_SENDS_PER_PREFIX,
      minSendsNewPrefix: env.OTP_GUARD_MIN_SENDS_NEW_PREFIX,
      suspectSends: env.OTP_GUARD_SUSPECT_SENDS,
      minSendsPerCountry: env.OTP_GUARD_MIN_SENDS_PER_COUNTRY,
      minVerifyRate: env.OTP_GUARD_MIN_VERIFY_PERCENT / 100,
      baselineDays: env.OTP_GUARD_BASELINE_DAYS,
      baselineFactor: env.OTP_GUARD_BASELINE_FACTOR,
      blockSeconds: env.OTP_GUARD_BLOCK_SECONDS,
    },
    challenge: {
      ...challengeWidget(env),
      hmacKey: createHmac("sha256", env.OTP_SECRET).update("altcha-challenge").digest("hex"),
      maxNumber: env.OTP_CHALLENGE_MAX_NUMBER,
      ttlSeconds: env.OTP_CHALLENGE_TTL_SECONDS,
      siteKey: env.OTP_CHALLENGE_SITE_KEY,
      secret: env.OTP_CHALLENGE_SECRET,
      verifyUrl: env.OTP_CHALLENGE_VERIFY_URL ?? PROVIDER_URLS[provider].verify,
    },
    sms: { APP_NAME: env.APP_NAME, SMS_TEMPLATE: env.SMS_TEMPLATE, SMS_TEMPLATES: env.SMS_TEMPLATES, WEBOTP_DOMAIN: env.WEBOTP_DOMAIN, DEFAULT_LOCALE: env.DEFAULT_LOCALE },
    smsLocale: smsLocaleConfig(env),
  };
}

/** The `iss` of verification tokens: the public origin when NEXTAUTH_URL is set, else "phoneotp". */
export function tokenIssuer(env: Pick<Env, "NEXTAUTH_URL">): string {
  return env.NEXTAUTH_URL ? new URL(env.NEXTAUTH_URL).origin : "phoneotp";
}
