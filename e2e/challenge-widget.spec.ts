// A third-party bot challenge (Cloudflare Turnstile) in real Chromium: the login page loads the
// provider's script from OTP_CHALLENGE_SCRIPT_URL under the nonce-based CSP, renders the widget, and
// sends its token as `challenge`; the server checks it at the provider's siteverify. The provider is
// the local fake of e2e/fake-challenge.ts (the server on WIDGET_BASE_URL points at it).
import type { Page } from "@playwright/test";
import { WIDGET_BASE_URL, WIDGET_FAKE_PORT, WIDGET_SECRET } from "../playwright.config";
import { startFakeChallenge, type FakeChallenge } from "./fake-challenge";
import { expect, nationalDigits, readCodeFromOutbox, snap, test, uniquePhone, watchViolations } from "./fixtures";

test.use({ baseURL: WIDGET_BASE_URL });

let fake: FakeChallenge;
// One fake on one port (the server's configuration names it): this file's tests share one worker.
test.describe.configure({ mode: "default" });

test.beforeAll(async () => {
  fake = await startFakeChallenge(WIDGET_FAKE_PORT, WIDGET_SECRET);
});
test.afterAll(() => fake.close());
test.beforeEach(() => {
  fake.rejectTokens = false;
});

/** The `challenge` field of each send the login form posts to /login/send. */
function sendChallenges(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    if (!r.url().endsWith("/login/send") || r.method() !== "POST") return;
    const fields = new URLSearchParams(r.postData() ?? "");
    if (fields.get("intent") === "confirm" || fields.get("intent") === "resend") seen.push(fields.get("challenge") ?? "");
  });
  return seen;
}

/** The newest widget's iframe (each login step renders its own). */
const widgetFrame = (page: Page, provider: "turnstile" | "hcaptcha") => page.locator(`iframe[src^="${fake.origin}/${provider}/frame"]`).last().contentFrame();

async function askForCode(page: Page, phone: string) {
  await page.getByLabel("Phone number", { exact: true }).fill(nationalDigits(phone));
  await page.getByRole("button", { name: "Send code" }).click();
  await page.getByRole("button", { name: /^Yes, send the code/ }).click();
}

test("signs in through the Turnstile widget: its origin alone is let into the CSP, and nothing is blocked", async ({ page, request }, testInfo) => {
  const watch = await watchViolations(page);
  const challenges = sendChallenges(page);
  const phone = uniquePhone();
  const res = await page.goto("/login");
  const policy = res?.headers()["content-security-policy"] ?? "";
  expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic' http:\/\/127\.0\.0\.1:\d+;/);
  expect(policy).toContain(`frame-src 'self' ${fake.origin};`);
  expect(policy).toContain(`connect-src 'self' ${fake.origin};`);

  const widget = widgetFrame(page, "turnstile");
  await expect(widget.getByText("Success!")).toBeVisible();
  await snap(page, testInfo, "turnstile-widget");
  const before = Date.now();
  await askForCode(page, phone);
  await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();

  expect(challenges).toHaveLength(1);
  expect(challenges[0]).toMatch(/^turnstile\./);
  expect(fake.calls.at(-1)).toMatchObject({ provider: "turnstile", secret: WIDGET_SECRET, response: challenges[0] });
  const code = await readCodeFromOutbox(request, phone, { after: before, baseURL: WIDGET_BASE_URL });
  await page.getByLabel(/-digit code$/).fill(code);
  await expect(page).toHaveURL(/\/account$/);

  expect(await watch.violations(), "securitypolicyviolation events").toEqual([]);
  expect(watch.console, "CSP console messages").toEqual([]);
});

test("a token siteverify does not accept (forged, or already used) is refused: 400 challenge_required, no SMS", async ({ page, request }) => {
  const phone = uniquePhone();
  fake.rejectTokens = true;
  await page.goto("/login");
  const widget = widgetFrame(page, "turnstile");
  await expect(widget.getByText("Success!")).toBeVisible();
  await askForCode(page, phone);
  await expect(page.getByText("Please try again in a moment.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Enter your code" })).toHaveCount(0);

  // The API says why, for the widget's own (forged) token and for a good one replayed.
  const send = (phone: string, challenge: string) =>
    page.evaluate(async (body) => {
      const res = await fetch("/api/otp/send", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, code: ((await res.json()) as { error?: { code?: string } }).error?.code };
    }, { phone, purpose: "Login", challenge });
  // After each send the form resets the widget for the next one: wait for its new token.
  const token = () => page.evaluate(() => (window as unknown as { turnstile: { getResponse(): string } }).turnstile.getResponse());
  await expect.poll(token).toMatch(/^forged\./);
  const forged = await token();
  expect(await send(phone, forged)).toEqual({ status: 400, code: "challenge_required" });

  fake.rejectTokens = false;
  await page.evaluate(() => (window as unknown as { turnstile: { reset(): void } }).turnstile.reset());
  await expect.poll(token).toMatch(/^turnstile\./);
  const good = await token();
  expect(await send(phone, good)).toMatchObject({ status: 200 });
  expect(await send(uniquePhone(), good)).toEqual({ status: 400, code: "challenge_required" });
  const outbox = await request.get(`${WIDGET_BASE_URL}/api/dev/outbox?to=${encodeURIComponent(phone)}`);
  expect(((await outbox.json()) as { messages: unknown[] }).messages).toHaveLength(1);
});

test("hCaptcha's widget renders under the same policy and its token (after the checkbox) goes to the send", async ({ page }) => {
  // This server is configured for Turnstile; only the page's view of the provider is switched here
  // (its challenge answer), to run the hCaptcha script and frame from the fake's origin in Chromium.
  // hCaptcha's siteverify is covered by lib/otp/challenge.test.ts.
  await page.route("**/api/otp/challenge", (route) =>
    route.fulfill({ json: { provider: "hcaptcha", mode: "always", siteKey: "10000000-ffff-ffff-ffff-000000000001", scriptUrl: fake.scriptUrl("hcaptcha") } }),
  );
  const watch = await watchViolations(page);
  const challenges = sendChallenges(page);
  await page.goto("/login");
  const widget = widgetFrame(page, "hcaptcha");
  await widget.getByLabel("I am human").check();
  await askForCode(page, uniquePhone());
  await expect.poll(() => challenges[0]).toMatch(/^hcaptcha\./);
  // The server passed it on to siteverify (Turnstile's here, which does not know an hCaptcha token).
  await expect.poll(() => fake.calls.map((c) => c.response)).toContain(challenges[0]);
  expect(await watch.violations(), "securitypolicyviolation events").toEqual([]);
  expect(watch.console, "CSP console messages").toEqual([]);
});
