/** Shared by the job-queue tests: the worker settings they run with, and a poll-until helper. */
import type { WorkerSettings } from "@/lib/jobs/worker";
import { TEST_SECRETS } from "./otp-context";

/** Private (127.0.0.1) receivers allowed, console SMS, default retention. */
export const TEST_WORKER_SETTINGS = {
  OTP_SECRET: TEST_SECRETS.OTP_SECRET,
  WEBHOOK_ALLOW_PRIVATE: true,
  WEBHOOK_TIMEOUT_MS: 5_000,
  isProduction: false,
  MSHASTRA_DLR_URL: undefined,
  MSHASTRA_USER: undefined,
  MSHASTRA_PASSWORD: undefined,
  SMS_PROVIDER: ["console"],
  VERIFICATION_RETENTION_DAYS: 90,
  AUDIT_RETENTION_DAYS: 365,
  OTP_GUARD_BASELINE_DAYS: 7,
} satisfies WorkerSettings;

/** Polls `check` until it returns something truthy (which it returns), or throws after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
