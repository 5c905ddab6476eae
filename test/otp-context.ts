/** Builds a real OTP context for tests: real config parsing, real console SMS provider, fixed clock. */
import { AppError } from "@/lib/api/errors";
import type { Db } from "@/lib/db/connection";
import { parseEnv } from "@/lib/env";
import { otpConfigFromEnv } from "@/lib/otp/config";
import type { OtpContext } from "@/lib/otp/service";
import { findCode, latestOutboxMessage } from "@/lib/sms/console";
import { createChannelSenders } from "@/lib/sms/channels";
import { createSmsSender } from "@/lib/sms/sender";

export const TEST_SECRETS = {
  OTP_SECRET: "test-otp-secret-0123456789abcdef0123456789abcdef",
  NEXTAUTH_SECRET: "test-nextauth-secret-0123456789abcdef0123456789",
};

/** Fraud guard and budgets off (tests of other rules send many codes to one number range). */
export const GUARD_OFF = {
  OTP_FRAUD_GUARD: "off",
  OTP_MAX_SENDS_PER_HOUR: "0",
  OTP_MAX_SENDS_PER_COUNTRY_PER_HOUR: "0",
  OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "0",
};

export type TestClock = { now: () => Date; advance(seconds: number): void; set(date: Date): void };

export function createClock(start = new Date("2026-03-01T10:00:00.000Z")): TestClock {
  let current = start;
  return {
    now: () => current,
    advance: (seconds) => {
      current = new Date(current.getTime() + seconds * 1000);
    },
    set: (date) => {
      current = date;
    },
  };
}

export function createTestContext(db: Db, overrides: Record<string, string> = {}, clock = createClock()) {
  // The fraud guard's budgets are off unless a test sets them: tests share number ranges.
  const env = parseEnv({ NODE_ENV: "test", SMS_PROVIDER: "console", SMS_RETRY_BASE_MS: "0", ...GUARD_OFF, ...TEST_SECRETS, ...overrides });
  const ctx: OtpContext = {
    db,
    config: otpConfigFromEnv(env),
    sms: createSmsSender(env, { sleep: async () => {} }),
    channels: createChannelSenders(env),
    now: clock.now,
  };
  return { ctx, clock, env };
}

/** The code the console provider "sent" to this phone most recently. */
export function lastCodeSentTo(phone: string): string {
  const message = latestOutboxMessage(phone);
  const code = message && findCode(message.text);
  if (!code) throw new Error(`no code in the outbox for ${phone}`);
  return code;
}

/** "sent", or the error code a send (or verify) was refused with. */
export async function sendOutcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "sent";
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}
