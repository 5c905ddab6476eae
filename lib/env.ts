/**
 * The one place that reads process.env. Parsed once, lazily (so `next build` needs no runtime
 * secrets); instrumentation.ts parses it at server start and exits with one line per bad variable.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isSupportedCountry } from "libphonenumber-js/max";
import { NON_GEOGRAPHIC, NUMBER_TYPES } from "./phone";
import { z } from "zod";
import { compileTrustProxy } from "./client-ip";
import { parseCountryBudgets, parseTestNumbers } from "./otp/config";
import { parseHttpHeaders, parseHttpSuccessRule } from "./sms/http-rules";
import { parseChannelRoutes, parseSmsRoutes } from "./sms/routes";
import { SMS_PROVIDER_NAMES } from "./sms/types";
import { isShippedLocale, SHIPPED_LOCALES } from "./i18n/locales";
import { parseSmsLocaleByCountry, smsTemplateKey } from "./sms/locale";

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const str = () => z.preprocess(emptyToUndefined, z.string().trim().optional());
const int = (def: number, min = 0, max = 1_000_000_000) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(def));
const bool = (def = false) =>
  z.preprocess(
    (v) => emptyToUndefined(v) ?? (def ? "1" : "0"),
    z.enum(["1", "0", "true", "false", "yes", "no", "on", "off"]).transform((v) => ["1", "true", "yes", "on"].includes(v)),
  );
const list = (def = "", normalise = (item: string) => item) =>
  z.preprocess(
    (v) => emptyToUndefined(v) ?? def,
    z.string().transform((v) => v.split(",").map((s) => normalise(s.trim())).filter(Boolean)),
  );

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_NAME: z.preprocess(emptyToUndefined, z.string().trim().max(40).default("PhoneOTP")),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("data")),
  DATABASE_URL: str(),
  DATABASE_POOL_SIZE: int(10, 1, 200),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(["debug", "info", "warn", "error"]).default("info")),
  TRUST_PROXY: z.preprocess((v) => emptyToUndefined(v) ?? "0", z.string().trim()),
  IP_V6_PREFIX: int(64, 1, 128),
  SHUTDOWN_GRACE_SECONDS: int(10, 0, 3_600),
  // Job queue (docs/operations.md): this instance works jobs (webhooks, DLR polling, purge, expiry sweep).
  JOBS: bool(true),
  // Webhooks may target private, loopback and link-local addresses (refused in production otherwise).
  WEBHOOK_ALLOW_PRIVATE: bool(),
  WEBHOOK_TIMEOUT_MS: int(10_000, 100, 60_000),
  METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().trim().min(16, "must be at least 16 characters").optional()),

  OTP_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  NEXTAUTH_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  NEXTAUTH_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  ALLOWED_ORIGINS: list("", (origin) => origin.toLowerCase().replace(/\/+$/, "")),
  SEED_ROUTES: bool(true),

  OTP_LENGTH: int(6, 4, 10),
  OTP_TTL_SECONDS: int(300, 10, 86_400),
  OTP_MAX_ATTEMPTS: int(5, 1, 100),
  OTP_PURPOSES: list("Login,Registration"),
  OTP_RESEND_COOLDOWN_SECONDS: int(30, 0, 86_400),
  OTP_MAX_SENDS_PER_PHONE_PER_HOUR: int(5),
  OTP_MAX_SENDS_PER_PHONE_PER_DAY: int(10),
  OTP_MAX_SENDS_PER_IP_PER_HOUR: int(30),
  OTP_MAX_VERIFY_PER_IP_PER_HOUR: int(60),
  OTP_LOGIN_TOKEN_TTL_SECONDS: int(300, 10, 3_600),
  // Fraud guard and bot challenge (docs/abuse.md). Budgets are per clock hour; 0 = off.
  OTP_MAX_SENDS_PER_HOUR: int(10_000),
  OTP_MAX_SENDS_PER_COUNTRY_PER_HOUR: int(2_000),
  OTP_COUNTRY_BUDGETS: z.preprocess((v) => emptyToUndefined(v) ?? "", z.string()),
  OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: int(30),
  OTP_PREFIX_TAIL_DIGITS: int(4, 1, 8),
  OTP_FRAUD_GUARD: z.preprocess(emptyToUndefined, z.enum(["off", "monitor", "enforce"]).optional()),
  OTP_GUARD_WINDOW_SECONDS: int(3_600, 60, 86_400),
  OTP_GUARD_MIN_SENDS_PER_PREFIX: int(10),
  OTP_GUARD_MIN_SENDS_NEW_PREFIX: int(5),
  OTP_GUARD_SUSPECT_SENDS: int(3),
  OTP_GUARD_MIN_SENDS_PER_COUNTRY: int(200),
  OTP_GUARD_MIN_VERIFY_PERCENT: int(20, 0, 100),
  OTP_GUARD_BASELINE_DAYS: int(7, 1, 90),
  OTP_GUARD_BASELINE_FACTOR: int(3, 1, 1_000),
  OTP_GUARD_BLOCK_SECONDS: int(3_600, 60, 30 * 86_400),
  OTP_CHALLENGE: z.preprocess(emptyToUndefined, z.enum(["off", "adaptive", "always"]).optional()),
  OTP_CHALLENGE_PROVIDER: z.preprocess(emptyToUndefined, z.enum(["altcha", "turnstile", "hcaptcha"]).default("altcha")),
  OTP_CHALLENGE_MAX_NUMBER: int(100_000, 1_000, 10_000_000),
  OTP_CHALLENGE_TTL_SECONDS: int(300, 30, 3_600),
  OTP_CHALLENGE_SITE_KEY: str(),
  OTP_CHALLENGE_SECRET: str(),
  OTP_CHALLENGE_VERIFY_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  OTP_CHALLENGE_SCRIPT_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  OTP_VERIFICATION_TOKEN_TTL_SECONDS: int(300, 10, 3_600),
  OTP_TEST_NUMBERS: z.preprocess((v) => emptyToUndefined(v) ?? "", z.string()),
  OTP_TEST_NUMBERS_IN_PRODUCTION: bool(),
  OTP_REQUIRE_API_KEY: bool(),

  // Languages (docs/i18n.md): which shipped locales to offer, and the fallback.
  DEFAULT_LOCALE: z.preprocess(emptyToUndefined, z.string().trim().toLowerCase().default("en")),
  LOCALES: list(SHIPPED_LOCALES.join(","), (code) => code.toLowerCase()),

  PHONE_DEFAULT_COUNTRY: z.preprocess(emptyToUndefined, z.string().trim().toUpperCase().length(2).default("TZ")),
  PHONE_ALLOWED_COUNTRIES: list("", (code) => code.toUpperCase()),
  PHONE_ALLOWED_TYPES: list("MOBILE,FIXED_LINE_OR_MOBILE", (type) => type.toUpperCase()),

  SMS_PROVIDER: list("console"),
  SMS_ALLOW_CONSOLE_IN_PRODUCTION: bool(),
  SMS_TIMEOUT_MS: int(10_000, 100, 120_000),
  SMS_MAX_RETRIES: int(2, 0, 10),
  SMS_RETRY_BASE_MS: int(200, 0, 60_000),
  SMS_FAILOVER_ON_AMBIGUOUS: bool(),
  // Unset: the shipped text of messages/<locale>.json (docs/i18n.md has the precedence).
  SMS_TEMPLATE: z.preprocess(emptyToUndefined, z.string().optional()),
  SMS_LOCALE_BY_COUNTRY: str(),
  WEBOTP_DOMAIN: str(),
  MSHASTRA_API_URL: z.preprocess(emptyToUndefined, z.url().default("https://mshastra.com/sendsms_api_json.aspx")),
  MSHASTRA_USER: str(),
  MSHASTRA_PASSWORD: str(),
  MSHASTRA_SENDER: str(),
  MSHASTRA_DLR_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  TWILIO_ACCOUNT_SID: str(),
  TWILIO_AUTH_TOKEN: str(),
  TWILIO_FROM: str(),
  TWILIO_MESSAGING_SERVICE_SID: str(),
  TWILIO_API_URL: z.preprocess(emptyToUndefined, z.url().default("https://api.twilio.com")),
  TWILIO_STATUS_CALLBACK_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  AT_USERNAME: str(),
  AT_API_KEY: str(),
  AT_SENDER_ID: str(),
  AT_API_URL: z.preprocess(emptyToUndefined, z.url().default("https://api.africastalking.com")),
  AT_CALLBACK_TOKEN: str(),
  SMS_HTTP_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  SMS_HTTP_METHOD: z.preprocess(emptyToUndefined, z.string().trim().toUpperCase().pipe(z.enum(["POST", "GET", "PUT"])).default("POST")),
  SMS_HTTP_HEADERS: str(),
  SMS_HTTP_BODY: z.preprocess(emptyToUndefined, z.string().optional()),
  SMS_HTTP_SUCCESS: z.preprocess(emptyToUndefined, z.string().trim().default("2xx")),
  SMS_HTTP_MESSAGE_ID: str(),
  SMS_HTTP_SENDER: str(),
  SMS_ROUTES: str(),
  TWILIO_VOICE_FROM: str(),
  TWILIO_VOICE_LANGUAGE: z.preprocess(emptyToUndefined, z.string().trim().default("en-US")),
  WHATSAPP_API_URL: z.preprocess(emptyToUndefined, z.url().default("https://graph.facebook.com/v21.0")),
  WHATSAPP_TOKEN: str(),
  WHATSAPP_PHONE_NUMBER_ID: str(),
  WHATSAPP_TEMPLATE: str(),
  WHATSAPP_TEMPLATE_LANGUAGE: z.preprocess(emptyToUndefined, z.string().trim().default("en_US")),
  WHATSAPP_VERIFY_TOKEN: str(),
  WHATSAPP_APP_SECRET: str(),
  CHANNEL_ROUTES: z.preprocess(emptyToUndefined, z.string().trim().default("*:sms")),

  ADMIN_PHONES: list(""),
  VERIFICATION_RETENTION_DAYS: int(90, 1, 36_500),
  AUDIT_RETENTION_DAYS: int(365, 1, 36_500),
});

export type Env = z.infer<typeof schema> & {
  OTP_SECRET: string;
  NEXTAUTH_SECRET: string;
  /** SMS_TEMPLATE_<PURPOSE>, _<LOCALE> and _<PURPOSE>_<LOCALE>, keyed "<purpose>:<locale>" in lower case ("*" = any). */
  SMS_TEMPLATES: Record<string, string>;
  isProduction: boolean;
};

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Development secrets are generated once and kept under DATA_DIR, so sessions survive restarts. */
function developmentSecrets(dataDir: string): { OTP_SECRET: string; NEXTAUTH_SECRET: string } {
  const file = path.join(dataDir, "dev-secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  const secrets = {
    OTP_SECRET: randomBytes(32).toString("base64url"),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const problems: string[] = [];
  let parsed = schema.safeParse(source);
  // Report every problem in one start, not one pass at a time: the variables that failed their own
  // rule are set aside and the checks across variables run on the rest.
  const invalid = new Set<string>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      invalid.add(String(issue.path[0]));
      problems.push(`${issue.path.join(".")}: ${issue.message}`);
    }
    parsed = schema.safeParse(Object.fromEntries(Object.entries(source).filter(([key]) => !invalid.has(key))));
    if (!parsed.success) throw new EnvError(problems);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === "production";
  const report = (key: string, problem: string) => {
    if (!invalid.has(key)) problems.push(`${key}: ${problem}`);
  };
  if (isProduction) {
    if (!e.OTP_SECRET) report("OTP_SECRET", "required in production (32+ random characters)");
    if (!e.NEXTAUTH_SECRET) report("NEXTAUTH_SECRET", "required in production (32+ random characters)");
    if (e.SMS_PROVIDER.includes("console") && !e.SMS_ALLOW_CONSOLE_IN_PRODUCTION) {
      problems.push(
        "SMS_PROVIDER: 'console' prints codes to the log and is refused in production; set mshastra or twilio (or SMS_ALLOW_CONSOLE_IN_PRODUCTION=1 for a throwaway server)",
      );
    }
  }
  for (const provider of e.SMS_PROVIDER) {
    if (!(SMS_PROVIDER_NAMES as readonly string[]).includes(provider)) {
      problems.push(`SMS_PROVIDER: unknown provider '${provider}' (use ${SMS_PROVIDER_NAMES.join(", ")}; comma-separated for failover)`);
    }
  }
  // Every provider a route names needs its credentials as much as one in SMS_PROVIDER.
  let routed: string[] = [];
  if (e.SMS_ROUTES) {
    try {
      routed = [...parseSmsRoutes(e.SMS_ROUTES).values()].flat();
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const used = new Set([...e.SMS_PROVIDER, ...routed]);
  if (isProduction && routed.includes("console") && !e.SMS_ALLOW_CONSOLE_IN_PRODUCTION) {
    problems.push("SMS_ROUTES: 'console' prints codes to the log and is refused in production");
  }
  if (used.has("africastalking")) {
    if (!e.AT_USERNAME) problems.push("AT_USERNAME: required when africastalking is used (SMS_PROVIDER or SMS_ROUTES)");
    if (!e.AT_API_KEY) problems.push("AT_API_KEY: required when africastalking is used (SMS_PROVIDER or SMS_ROUTES)");
  }
  if (used.has("http")) {
    if (!e.SMS_HTTP_URL) problems.push("SMS_HTTP_URL: required when http is used (SMS_PROVIDER or SMS_ROUTES)");
    for (const check of [() => parseHttpSuccessRule(e.SMS_HTTP_SUCCESS), () => parseHttpHeaders(e.SMS_HTTP_HEADERS)]) {
      try {
        check();
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (e.SMS_HTTP_BODY !== undefined && !/\{text\}/.test(e.SMS_HTTP_BODY) && !/\{text\}/.test(e.SMS_HTTP_URL ?? "")) {
      problems.push("SMS_HTTP_BODY: must contain {text} (or SMS_HTTP_URL must), or the gateway never gets the code");
    }
  }
  try {
    const channels = new Set([...parseChannelRoutes(e.CHANNEL_ROUTES).values()].flat());
    if (channels.has("whatsapp") && !(e.WHATSAPP_TOKEN && e.WHATSAPP_PHONE_NUMBER_ID && e.WHATSAPP_TEMPLATE)) {
      problems.push("CHANNEL_ROUTES: whatsapp needs WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_TEMPLATE");
    }
    if (channels.has("voice") && !(e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && (e.TWILIO_VOICE_FROM ?? e.TWILIO_FROM))) {
      problems.push("CHANNEL_ROUTES: voice needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_VOICE_FROM (or TWILIO_FROM)");
    }
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (isProduction && e.WHATSAPP_TOKEN && !e.WHATSAPP_APP_SECRET) {
    problems.push("WHATSAPP_APP_SECRET: required in production with WhatsApp (status webhooks are checked with it)");
  }
  if (used.has("mshastra")) {
    for (const key of ["MSHASTRA_USER", "MSHASTRA_PASSWORD", "MSHASTRA_SENDER"] as const) {
      if (!e[key]) problems.push(`${key}: required when SMS_PROVIDER includes mshastra`);
    }
    // The gateway refuses longer sender ids (its code 012) on every single send.
    if (e.MSHASTRA_SENDER && e.MSHASTRA_SENDER.length > 13) report("MSHASTRA_SENDER", "at most 13 characters (mShastra refuses longer sender ids)");
  }
  if (used.has("twilio")) {
    if (!e.TWILIO_ACCOUNT_SID) problems.push("TWILIO_ACCOUNT_SID: required when SMS_PROVIDER includes twilio");
    if (!e.TWILIO_AUTH_TOKEN) problems.push("TWILIO_AUTH_TOKEN: required when SMS_PROVIDER includes twilio");
    if (!e.TWILIO_FROM && !e.TWILIO_MESSAGING_SERVICE_SID) {
      problems.push("TWILIO_FROM: set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID when SMS_PROVIDER includes twilio");
    }
  }
  try {
    parseCountryBudgets(e.OTP_COUNTRY_BUDGETS);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (e.OTP_CHALLENGE_PROVIDER !== "altcha" && e.OTP_CHALLENGE !== "off" && (e.OTP_CHALLENGE ?? (isProduction ? "adaptive" : "off")) !== "off") {
    for (const key of ["OTP_CHALLENGE_SITE_KEY", "OTP_CHALLENGE_SECRET"] as const) {
      if (!e[key]) problems.push(`${key}: required when OTP_CHALLENGE_PROVIDER is ${e.OTP_CHALLENGE_PROVIDER}`);
    }
  }
  if (e.OTP_PURPOSES.length === 0) problems.push("OTP_PURPOSES: list at least one purpose");
  for (const code of e.LOCALES) {
    if (!isShippedLocale(code)) report("LOCALES", `'${code}' is not a shipped locale (use ${SHIPPED_LOCALES.join(", ")})`);
  }
  if (!isShippedLocale(e.DEFAULT_LOCALE)) report("DEFAULT_LOCALE", `'${e.DEFAULT_LOCALE}' is not a shipped locale (use ${SHIPPED_LOCALES.join(", ")})`);
  else if (!e.LOCALES.includes(e.DEFAULT_LOCALE)) report("DEFAULT_LOCALE", `'${e.DEFAULT_LOCALE}' is not in LOCALES (${e.LOCALES.join(", ")})`);
  try {
    for (const [country, locale] of parseSmsLocaleByCountry(e.SMS_LOCALE_BY_COUNTRY)) {
      if (!e.LOCALES.includes(locale)) report("SMS_LOCALE_BY_COUNTRY", `${country}:${locale}: '${locale}' is not in LOCALES (${e.LOCALES.join(", ")})`);
    }
  } catch (error) {
    report("SMS_LOCALE_BY_COUNTRY", (error as Error).message.replace(/^SMS_LOCALE_BY_COUNTRY: /, ""));
  }
  if (!isSupportedCountry(e.PHONE_DEFAULT_COUNTRY)) report("PHONE_DEFAULT_COUNTRY", `'${e.PHONE_DEFAULT_COUNTRY}' is not an ISO 3166-1 country code with a numbering plan (e.g. TZ)`);
  const unknownCountries = e.PHONE_ALLOWED_COUNTRIES.filter((c) => c !== "*" && c !== NON_GEOGRAPHIC && !isSupportedCountry(c));
  if (unknownCountries.length) report("PHONE_ALLOWED_COUNTRIES", `not ISO 3166-1 country codes with a numbering plan: ${unknownCountries.join(", ")}`);
  // SMS pumping is paid per message to ranges in countries an operator never serves: no silent default.
  if (isProduction && e.PHONE_ALLOWED_COUNTRIES.length === 0) {
    report("PHONE_ALLOWED_COUNTRIES", "required in production: list the countries you serve (e.g. TZ,KE), or set * to allow every country knowingly");
  }
  const unknownTypes = e.PHONE_ALLOWED_TYPES.filter((t) => !(NUMBER_TYPES as string[]).includes(t));
  if (unknownTypes.length) report("PHONE_ALLOWED_TYPES", `unknown number types: ${unknownTypes.join(", ")} (use ${NUMBER_TYPES.join(", ")})`);
  const badOrigins = e.ALLOWED_ORIGINS.filter((o) => !URL.canParse(o) || new URL(o).origin !== o);
  if (badOrigins.length) report("ALLOWED_ORIGINS", `not origins (scheme://host[:port], no path): ${badOrigins.join(", ")}`);
  try {
    compileTrustProxy(e.TRUST_PROXY);
  } catch (error) {
    report("TRUST_PROXY", (error as Error).message);
  }
  try {
    parseTestNumbers(e.OTP_TEST_NUMBERS, e.OTP_LENGTH);
  } catch (error) {
    problems.push((error as Error).message);
  }
  // A template without {code} would send SMS nobody can use; refuse it at start, not at send time.
  for (const [key, value] of Object.entries(source)) {
    if ((key === "SMS_TEMPLATE" || key.startsWith("SMS_TEMPLATE_")) && value?.trim() && !value.includes("{code}")) {
      problems.push(`${key}: must contain the {code} placeholder`);
    }
  }
  if (problems.length) throw new EnvError(problems);

  const secrets =
    e.OTP_SECRET && e.NEXTAUTH_SECRET
      ? { OTP_SECRET: e.OTP_SECRET, NEXTAUTH_SECRET: e.NEXTAUTH_SECRET }
      : { ...developmentSecrets(e.DATA_DIR), ...(e.OTP_SECRET && { OTP_SECRET: e.OTP_SECRET }), ...(e.NEXTAUTH_SECRET && { NEXTAUTH_SECRET: e.NEXTAUTH_SECRET }) };

  const SMS_TEMPLATES: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    const m = /^SMS_TEMPLATE_(.+)$/.exec(key);
    if (m && value?.trim()) SMS_TEMPLATES[smsTemplateKey(m[1])] = value;
  }
  return { ...e, ...secrets, SMS_TEMPLATES, isProduction };
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
