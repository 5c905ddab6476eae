/**
 * Shared Playwright helpers: codes read from the development outbox (the console SMS provider),
 * unique phone numbers, programmatic login, and a `test` that fails on unexpected console errors.
 */
import { randomInt } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";

export { expect };

export const ADMIN_PHONE = "+255700000900";
/** An admin number only e2e/login.spec.ts's admin UI walk signs in with: no other spec's codes or cooldown meet it. */
export const UI_ADMIN_PHONE = "+255700000901";
export { ADMIN_STORAGE_STATE } from "../playwright.config";

// The browser reports every 4xx answer of fetch() as a console error; the API's refusals are expected.
const EXPECTED_CONSOLE_ERRORS = [
  /Failed to load resource: the server responded with a status of (400|401|403|404|429|502|503)/,
  // Tests that cut the network on purpose (the "No connection" state).
  /Failed to load resource: net::ERR_INTERNET_DISCONNECTED/,
];

/** `test` whose pages fail the test on an unexpected console.error or uncaught exception. */
export const test = base.extend({
  page: async ({ page }, provide) => {
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" && !EXPECTED_CONSOLE_ERRORS.some((re) => re.test(message.text()))) errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
    await provide(page);
    expect(errors, "console errors logged by the page").toEqual([]);
  },
});

let counter = 0;
/** A valid Tanzanian mobile number (+25571…) not used by any other test or earlier run. */
export function uniquePhone(): string {
  counter = (counter + 1) % 100;
  return `+25571${String(randomInt(0, 100_000)).padStart(5, "0")}${String(counter).padStart(2, "0")}`;
}

type OutboxMessage = { to: string; text: string; purpose: string; createdAt: string };

/**
 * The code of the newest SMS to `phone` in the development outbox, waiting for one created after
 * `after` (ms since epoch; the server runs on this machine's clock) when given.
 */
export async function readCodeFromOutbox(request: APIRequestContext, phone: string, opts: { after?: number; baseURL?: string } = {}): Promise<string> {
  const url = `${opts.baseURL ?? ""}/api/dev/outbox?to=${encodeURIComponent(phone)}`;
  let code: string | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get(url);
        if (!res.ok()) return undefined;
        const { messages } = (await res.json()) as { messages: OutboxMessage[] };
        const latest = messages.find((m) => Date.parse(m.createdAt) > (opts.after ?? 0) - 1000);
        code = latest && (/#(\d{4,10})\s*$/.exec(latest.text)?.[1] ?? /(?<!\d)(\d{4,10})(?!\d)/.exec(latest.text)?.[1]);
        return code;
      },
      { message: `an SMS to ${phone} in the outbox`, timeout: 10_000 },
    )
    .toBeTruthy();
  return code!;
}

/** Sends a Login code through the API, waiting out the resend cooldown when a code was just sent. */
async function sendLoginCode(request: APIRequestContext, phone: string, baseURL = ""): Promise<number> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = Date.now();
    const res = await request.post(`${baseURL}/api/otp/send`, { data: { phone, purpose: "Login" } });
    if (res.ok()) return before;
    if (res.status() !== 429) throw new Error(`send failed: ${res.status()} ${await res.text()}`);
    const wait = Number(res.headers()["retry-after"] ?? "5");
    if (wait > 30) throw new Error(`send rate limited for ${wait} s`);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 200));
  }
  throw new Error("send kept being rate limited");
}

/**
 * Signs `page`'s browser context in as `phone` without the UI: code from the outbox, then next-auth's
 * credentials callback with { phone, code } (the other half of the provider the UI does not use).
 */
export async function loginAs(page: Page, phone: string, opts: { baseURL?: string } = {}): Promise<void> {
  const request = page.request; // shares the context's cookies
  const baseURL = opts.baseURL ?? "";
  const after = await sendLoginCode(request, phone, baseURL);
  const code = await readCodeFromOutbox(request, phone, { after, baseURL });
  const { csrfToken } = (await (await request.get(`${baseURL}/api/auth/csrf`)).json()) as { csrfToken: string };
  const res = await request.post(`${baseURL}/api/auth/callback/phone-otp`, {
    form: { csrfToken, phone, code, json: "true" },
  });
  expect(res.ok(), `sign-in as ${phone}`).toBe(true);
  const session = (await (await request.get(`${baseURL}/api/auth/session`)).json()) as { user?: { phone?: string } };
  expect(session.user?.phone, "session after loginAs").toBe(phone);
}

/** The national digits a person would type for a +255 number ("0712345678"). */
export function nationalDigits(e164: string): string {
  return `0${e164.replace(/^\+255/, "")}`;
}

/** Saves a full-page screenshot as a test artifact (test-results/…) and attaches it to the report. */
export async function snap(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

/** Fails on any serious or critical axe finding (WCAG 2.1 A/AA), naming each element. */
export async function expectNoSeriousA11yViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${label}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Records `securitypolicyviolation` events from the first byte of every document the page loads. */
export async function watchViolations(page: Page): Promise<{ violations: () => Promise<string[]>; console: string[] }> {
  const console: string[] = [];
  page.on("console", (m) => /content security policy|Refused to/i.test(m.text()) && console.push(m.text()));
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __cspViolations: string[] }).__cspViolations = []);
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));
  });
  return { console, violations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations) };
}
