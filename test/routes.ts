/**
 * Route tests call the exported handlers with real Request objects. The app's database singleton
 * (lib/db.ts caches it on globalThis) is pointed at the suite's test database.
 */
import { beforeAll, vi } from "vitest";
import type { TestDatabase } from "./db";
import { GUARD_OFF, TEST_SECRETS } from "./otp-context";

export const ROUTE_ENV: Record<string, string> = {
  NODE_ENV: "test",
  SMS_PROVIDER: "console",
  SMS_RETRY_BASE_MS: "0",
  OTP_RESEND_COOLDOWN_SECONDS: "0",
  OTP_MAX_SENDS_PER_PHONE_PER_HOUR: "0",
  OTP_MAX_SENDS_PER_PHONE_PER_DAY: "0",
  OTP_MAX_SENDS_PER_IP_PER_HOUR: "0",
  OTP_MAX_VERIFY_PER_IP_PER_HOUR: "0",
  LOG_LEVEL: "error",
  ...GUARD_OFF,
  ...TEST_SECRETS,
};

/** Call at the top of a route test file, before the route modules are imported. */
export function stubRouteEnv(extra: Record<string, string> = {}) {
  for (const [key, value] of Object.entries({ ...ROUTE_ENV, ...extra })) vi.stubEnv(key, value);
}

export function useDatabaseForRoutes(use: () => TestDatabase) {
  beforeAll(() => {
    (globalThis as { __otpDb?: Promise<unknown> }).__otpDb = Promise.resolve(use());
  });
}

export function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "127.0.0.1", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
