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
    expect(found.map((p) => p.split(":")[0])).toEqual(["OTP_SECRET", "NEXTAUTH_SECRET", "SMS_PROVIDER"]);
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
  it("collects per-purpose SMS templates", () => {
    const env = parseEnv({ NODE_ENV: "test", SMS_TEMPLATE_LOGIN: "Login code {code}", ...SECRETS });
    expect(env.SMS_TEMPLATES).toEqual({ login: "Login code {code}" });
  });
  it("enables test numbers in production only with the explicit opt-in", () => {
    const base = { NODE_ENV: "production", SMS_PROVIDER: "console", SMS_ALLOW_CONSOLE_IN_PRODUCTION: "1", OTP_TEST_NUMBERS: "+15005550006:424242", ...SECRETS };
    expect(otpConfigFromEnv(parseEnv(base)).testNumbers.size).toBe(0);
    expect(otpConfigFromEnv(parseEnv({ ...base, OTP_TEST_NUMBERS_IN_PRODUCTION: "1" })).testNumbers.get("+15005550006")).toBe("424242");
  });
});
