import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${PORT}`;
const isCI = !!process.env.CI;

// Debian's Chromium where Playwright's own browser is absent (it cannot be downloaded here).
const chromiumPath =
  process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

/** Settings of the production server the suite runs against: an isolated database, fast limits. */
export const E2E_ENV = {
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  DATABASE_URL: "data/e2e/pglite",
  DATA_DIR: "data/e2e",
  OTP_SECRET: "e2e-otp-secret-0123456789abcdef0123456789abcdef",
  NEXTAUTH_SECRET: "e2e-nextauth-secret-0123456789abcdef0123456789",
  NEXTAUTH_URL: baseURL,
  SMS_PROVIDER: "console",
  SMS_ALLOW_CONSOLE_IN_PRODUCTION: "1",
  OTP_TTL_SECONDS: "300",
  OTP_RESEND_COOLDOWN_SECONDS: "5",
  OTP_MAX_SENDS_PER_IP_PER_HOUR: "0",
  OTP_MAX_VERIFY_PER_IP_PER_HOUR: "0",
  ADMIN_PHONES: "+255700000900",
  LOG_LEVEL: "warn",
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: isCI,
  retries: isCI ? 2 : 0,
  reporter: isCI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 30_000,
  use: {
    baseURL,
    trace: "on-first-retry",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], channel: undefined } },
  ],
  webServer: {
    command: `rm -rf data/e2e && npx next build && npx next start -H 127.0.0.1 -p ${PORT}`,
    url: `${baseURL}/api/health`,
    timeout: 180_000,
    reuseExistingServer: !isCI,
    env: E2E_ENV,
    stdout: "ignore",
    stderr: "pipe",
  },
});
