import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";
import { otpConfigFromEnv } from "./otp/config";

const SECRETS = { OTP_SECRET: "a".repeat(32), NEXTAUTH_SECRET: "b".repeat(32) };

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
    return [];
  } catch (error) {
    return (error as EnvError).problems;
  }
}

describe("parseEnv", () => {
  it("names every missing production secret and the console provider on its own line", () => {
    const found = problems({ NODE_ENV: "production" });
    expect(found.map((p) => p.split(":")[0])).toEqual(["OTP_SECRET", "NEXTAUTH_SECRET", "SMS_PROVIDER", "PHONE_ALLOWED_COUNTRIES"]);
  });
  it("reports a too-short secret together with the other production problems, in one pass", () => {
    const found = problems({ NODE_ENV: "production", OTP_SECRET: "short", SMS_PROVIDER: "console" });
    expect(found).toEqual([
      "OTP_SECRET: must be at least 32 characters",
      "NEXTAUTH_SECRET: required in production (32+ random characters)",
      expect.stringMatching(/^SMS_PROVIDER: 'console' prints codes to the log/),
      "PHONE_ALLOWED_COUNTRIES: required in production: list the countries you serve (e.g. TZ,KE), or set * to allow every country knowingly",
    ]);
  });
  it("stops a production start without PHONE_ALLOWED_COUNTRIES, and takes * as every country knowingly", () => {
    const production = { NODE_ENV: "production", SMS_PROVIDER: "console", SMS_ALLOW_CONSOLE_IN_PRODUCTION: "1", ...SECRETS };
    expect(problems(production)).toEqual([
      "PHONE_ALLOWED_COUNTRIES: required in production: list the countries you serve (e.g. TZ,KE), or set * to allow every country knowingly",
    ]);
    expect(problems({ ...production, PHONE_ALLOWED_COUNTRIES: "*" })).toEqual([]);
    expect(problems({ ...production, PHONE_ALLOWED_COUNTRIES: "TZ,001" })).toEqual([]);
    expect(problems({ NODE_ENV: "development", ...SECRETS })).toEqual([]);
  });
  it("reads ALLOWED_ORIGINS as origins and refuses anything with a path or no scheme", () => {
    expect(parseEnv({ NODE_ENV: "test", ALLOWED_ORIGINS: "https://App.example.com/, http://localhost:3000", ...SECRETS }).ALLOWED_ORIGINS).toEqual([
      "https://app.example.com",
      "http://localhost:3000",
    ]);
    expect(problems({ NODE_ENV: "test", ALLOWED_ORIGINS: "app.example.com,https://a.example/login", ...SECRETS })).toEqual([
      "ALLOWED_ORIGINS: not origins (scheme://host[:port], no path): app.example.com, https://a.example/login",
    ]);
    expect(parseEnv({ NODE_ENV: "test", ...SECRETS }).SEED_ROUTES).toBe(true);
    expect(parseEnv({ NODE_ENV: "test", SEED_ROUTES: "off", ...SECRETS }).SEED_ROUTES).toBe(false);
  });
  it("defaults PHONE_ALLOWED_TYPES to mobile numbers and refuses unknown types", () => {
    expect(parseEnv({ NODE_ENV: "test", ...SECRETS }).PHONE_ALLOWED_TYPES).toEqual(["MOBILE", "FIXED_LINE_OR_MOBILE"]);
    expect(parseEnv({ NODE_ENV: "test", PHONE_ALLOWED_TYPES: "mobile, voip", ...SECRETS }).PHONE_ALLOWED_TYPES).toEqual(["MOBILE", "VOIP"]);
    expect(problems({ NODE_ENV: "test", PHONE_ALLOWED_TYPES: "MOBILE,SATELLITE", ...SECRETS })).toEqual([
      expect.stringMatching(/^PHONE_ALLOWED_TYPES: unknown number types: SATELLITE \(use MOBILE, /),
    ]);
  });
  it("accepts country codes in any case and refuses ones without a numbering plan", () => {
    expect(parseEnv({ NODE_ENV: "test", PHONE_ALLOWED_COUNTRIES: "tz, ke", PHONE_DEFAULT_COUNTRY: "ke", ...SECRETS })).toMatchObject({
      PHONE_ALLOWED_COUNTRIES: ["TZ", "KE"],
      PHONE_DEFAULT_COUNTRY: "KE",
    });
    expect(problems({ NODE_ENV: "test", PHONE_ALLOWED_COUNTRIES: "TZ,XX", PHONE_DEFAULT_COUNTRY: "QQ", ...SECRETS })).toEqual([
      "PHONE_DEFAULT_COUNTRY: 'QQ' is not an ISO 3166-1 country code with a numbering plan (e.g. TZ)",
      "PHONE_ALLOWED_COUNTRIES: not ISO 3166-1 country codes with a numbering plan: XX",
    ]);
  });
  it("refuses an mShastra sender id the gateway would refuse on every send", () => {
    const mshastra = { NODE_ENV: "test", SMS_PROVIDER: "mshastra", MSHASTRA_USER: "u", MSHASTRA_PASSWORD: "p", ...SECRETS };
    expect(problems({ ...mshastra, MSHASTRA_SENDER: "PhoneOTP" })).toEqual([]);
    expect(problems({ ...mshastra, MSHASTRA_SENDER: "FourteenChars!" })).toEqual(["MSHASTRA_SENDER: at most 13 characters (mShastra refuses longer sender ids)"]);
  });
  it("refuses malformed OTP_TEST_NUMBERS at start rather than at the first send", () => {
    expect(problems({ NODE_ENV: "test", OTP_TEST_NUMBERS: "garbage", ...SECRETS })).toEqual([
      expect.stringMatching(/^OTP_TEST_NUMBERS: 'garbage' must look like \+255700000001:111111/),
    ]);
  });
  it("treats empty strings as unset and applies defaults", () => {
    const env = parseEnv({ NODE_ENV: "test", OTP_LENGTH: "", ...SECRETS });
    expect(env.OTP_LENGTH).toBe(6);
    expect(env.OTP_PURPOSES).toEqual(["Login", "Registration"]);
  });
  it("rejects out-of-range numbers and unknown providers", () => {
    expect(problems({ NODE_ENV: "test", OTP_LENGTH: "3", ...SECRETS })[0]).toMatch(/^OTP_LENGTH/);
    expect(problems({ NODE_ENV: "test", SMS_PROVIDER: "carrier-pigeon", ...SECRETS })[0]).toMatch(/unknown provider/);
    expect(problems({ NODE_ENV: "test", SMS_PROVIDER: "mshastra", ...SECRETS })).toHaveLength(3);
  });
  it("refuses an SMS template without the {code} placeholder", () => {
    expect(problems({ NODE_ENV: "test", SMS_TEMPLATE_LOGIN: "Welcome!", ...SECRETS })).toEqual(["SMS_TEMPLATE_LOGIN: must contain the {code} placeholder"]);
  });
  it("collects SMS templates per purpose, per locale and per purpose and locale", () => {
    const env = parseEnv({ NODE_ENV: "test", SMS_TEMPLATE_LOGIN: "Login code {code}", SMS_TEMPLATE_SW: "Msimbo {code}", SMS_TEMPLATE_REGISTRATION_FR: "Code {code}", ...SECRETS });
    expect(env.SMS_TEMPLATES).toEqual({ "login:*": "Login code {code}", "*:sw": "Msimbo {code}", "registration:fr": "Code {code}" });
  });
  it("refuses an SMS_LOCALE_BY_COUNTRY entry that is malformed or names a locale outside LOCALES", () => {
    expect(problems({ NODE_ENV: "test", SMS_LOCALE_BY_COUNTRY: "TZ=sw", ...SECRETS })).toEqual([
      "SMS_LOCALE_BY_COUNTRY: 'TZ=sw' must look like TZ:sw (country code, then one of en, sw, fr, ar)",
    ]);
    expect(problems({ NODE_ENV: "test", LOCALES: "en,fr", SMS_LOCALE_BY_COUNTRY: "CD:sw", ...SECRETS })).toEqual(["SMS_LOCALE_BY_COUNTRY: CD:sw: 'sw' is not in LOCALES (en, fr)"]);
  });
  it("enables test numbers in production only with the explicit opt-in", () => {
    const base = { NODE_ENV: "production", SMS_PROVIDER: "console", SMS_ALLOW_CONSOLE_IN_PRODUCTION: "1", PHONE_ALLOWED_COUNTRIES: "TZ", OTP_TEST_NUMBERS: "+15005550006:424242", ...SECRETS };
    expect(otpConfigFromEnv(parseEnv(base)).testNumbers.size).toBe(0);
    expect(otpConfigFromEnv(parseEnv({ ...base, OTP_TEST_NUMBERS_IN_PRODUCTION: "1" })).testNumbers.get("+15005550006")).toBe("424242");
  });
});
