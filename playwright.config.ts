import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${PORT}`;
/** A second server on the same build with a 10-second code lifetime, for the expiry scenario. */
export const SHORT_TTL_PORT = PORT + 1;
export const SHORT_TTL_BASE_URL = `http://127.0.0.1:${SHORT_TTL_PORT}`;
export const SHORT_TTL_SECONDS = 10;
/** A third server on the same build that asks every send for a bot challenge (OTP_CHALLENGE=always). */
export const CHALLENGE_BASE_URL = `http://127.0.0.1:${PORT + 2}`;
/**
 * A fourth server on the same build with WhatsApp and Twilio voice calls configured, both pointed at
 * the local fake (e2e/channels-fake.ts, a webServer below) on CHANNELS_FAKE_PORT.
 */
export const CHANNELS_BASE_URL = `http://127.0.0.1:${PORT + 30}`;
export const CHANNELS_FAKE_PORT = PORT + 31;
/**
 * A fifth server on the same build that asks every send for a Cloudflare Turnstile token, its script
 * and siteverify pointed at the local fake (e2e/fake-challenge.ts) that e2e/challenge-widget.spec.ts
 * runs on WIDGET_FAKE_PORT.
 */
export const WIDGET_BASE_URL = `http://127.0.0.1:${PORT + 35}`;
export const WIDGET_FAKE_PORT = PORT + 36;
export const WIDGET_SECRET = "e2e-turnstile-secret";
/** Saved once per run by the setup project (e2e/auth.setup.ts); reuse with test.use({ storageState }). */
export const ADMIN_STORAGE_STATE = "e2e/.auth/admin.json";
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
  // Kenya too: the login reads +254… under a Tanzanian default and switches the country (e2e/login.spec.ts).
  PHONE_ALLOWED_COUNTRIES: "TZ,KE",
  OTP_TTL_SECONDS: "300",
  OTP_RESEND_COOLDOWN_SECONDS: "5",
  OTP_MAX_SENDS_PER_IP_PER_HOUR: "0",
  OTP_MAX_VERIFY_PER_IP_PER_HOUR: "0",
  // The suite sends many codes to few ranges and never solves challenges outside e2e/protection.spec.ts.
  OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "0",
  OTP_FRAUD_GUARD: "monitor",
  OTP_CHALLENGE: "off",
  // The second number is e2e/login.spec.ts's own admin UI walk (UI_ADMIN_PHONE in e2e/fixtures.ts).
  ADMIN_PHONES: "+255700000900,+255700000901",
  LOG_LEVEL: "warn",
  // e2e/webhooks.spec.ts's receiver listens on 127.0.0.1.
  WEBHOOK_ALLOW_PRIVATE: "1",
};

/**
 * Another `next start` of the same build (started after the first server is up) on its own port
 * and embedded database, with `env` over the suite's settings.
 */
function secondaryServer(name: string, port: number, env: Record<string, string>) {
  const base = `http://127.0.0.1:${port}`;
  return {
    command: `rm -rf data/${name} && npx next start -H 127.0.0.1 -p ${port}`,
    url: `${base}/api/health`,
    timeout: 180_000, // a start with migrations; slow on a loaded machine
    reuseExistingServer: !isCI,
    env: { ...E2E_ENV, DATABASE_URL: `data/${name}/pglite`, DATA_DIR: `data/${name}`, NEXTAUTH_URL: base, ...env },
    stdout: "ignore" as const,
    stderr: "pipe" as const,
  };
}

/** Run by the "exclusive" project, one test at a time, once the parallel projects are done. */
const EXCLUSIVE_SPECS = [/protection\.spec\.ts$/, /shutdown\.spec\.ts$/, /webhook-enable\.spec\.ts$/];

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // Two workers: most of a test's time is waiting (timers, servers), not CPU. Tests are independent
  // (own phone numbers and data); a spec whose tests share state says test.describe.configure({ mode: "default" }).
  fullyParallel: true,
  workers: 2,
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
    { name: "setup", testMatch: /.*\.setup\.ts/, use: { ...devices["Desktop Chrome"], channel: undefined } },
    { name: "desktop", use: { ...devices["Desktop Chrome"], channel: undefined }, dependencies: ["setup"], testIgnore: EXCLUSIVE_SPECS },
    // Specs that change what every other test sees (the guard's mode, blocks and Safe List on the
    // shared server) or that stop and start servers on one shared port: alone, after everything else.
    {
      name: "exclusive",
      use: { ...devices["Desktop Chrome"], channel: undefined },
      testMatch: EXCLUSIVE_SPECS,
      dependencies: ["desktop", "mobile"],
      workers: 1,
      fullyParallel: false,
    },
    // Phone-sized Chromium; only tests tagged @mobile (the login flow), to keep the suite short.
    { name: "mobile", use: { ...devices["Pixel 7"], channel: undefined }, grep: /@mobile/, dependencies: ["setup"] },
  ],
  webServer: [
    {
      command: `rm -rf data/e2e && npm run build && npx next start -H 127.0.0.1 -p ${PORT}`,
      url: `${baseURL}/api/health`,
      timeout: Number(process.env.PW_WEBSERVER_TIMEOUT) || 600_000, // the production build; slow on a loaded machine
      reuseExistingServer: !isCI,
      env: E2E_ENV,
      stdout: "ignore",
      stderr: "pipe",
    },
    // Short-lived codes, for the expiry scenario.
    secondaryServer("e2e-short", SHORT_TTL_PORT, { OTP_TTL_SECONDS: String(SHORT_TTL_SECONDS) }),
    secondaryServer("e2e-challenge", PORT + 2, { OTP_CHALLENGE: "always" }),
    {
      command: `npx tsx e2e/channels-fake.ts ${CHANNELS_FAKE_PORT}`,
      url: `http://127.0.0.1:${CHANNELS_FAKE_PORT}/received`,
      timeout: 180_000, // a start with migrations; slow on a loaded machine
      reuseExistingServer: !isCI,
      stdout: "ignore",
      stderr: "pipe",
    },
    secondaryServer("e2e-channels", PORT + 30, {
      WHATSAPP_API_URL: `http://127.0.0.1:${CHANNELS_FAKE_PORT}/v21.0`,
      WHATSAPP_TOKEN: "e2e-whatsapp-token",
      WHATSAPP_PHONE_NUMBER_ID: "1065403",
      WHATSAPP_TEMPLATE: "otp_login",
      WHATSAPP_APP_SECRET: "e2e-whatsapp-app-secret",
      TWILIO_API_URL: `http://127.0.0.1:${CHANNELS_FAKE_PORT}`,
      TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef",
      TWILIO_AUTH_TOKEN: "e2e-twilio-token",
      TWILIO_VOICE_FROM: "+15005550006",
      CHANNEL_ROUTES: "TZ:whatsapp,sms,voice;*:sms",
      SMS_TIMEOUT_MS: "3000",
    }),
    secondaryServer("e2e-widget", PORT + 35, {
      OTP_CHALLENGE: "always",
      OTP_CHALLENGE_PROVIDER: "turnstile",
      OTP_CHALLENGE_SITE_KEY: "1x00000000000000000000AA",
      OTP_CHALLENGE_SECRET: WIDGET_SECRET,
      OTP_CHALLENGE_SCRIPT_URL: `http://127.0.0.1:${WIDGET_FAKE_PORT}/turnstile/v0/api.js?render=explicit`,
      OTP_CHALLENGE_VERIFY_URL: `http://127.0.0.1:${WIDGET_FAKE_PORT}/turnstile/v0/siteverify`,
    }),
  ],
});
