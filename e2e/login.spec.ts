/**
 * The phone login in real Chromium, on a phone-sized and a desktop project (tests tagged @mobile run
 * on both): without JavaScript, in one round trip from code to session, with timeouts, resumable,
 * with the number shown in full, recovery without dead ends, light on bytes, thumb-sized targets.
 */
import type { Browser, Page, Request, TestInfo } from "@playwright/test";
import { SHORT_TTL_BASE_URL, SHORT_TTL_SECONDS } from "../playwright.config";
import { UI_ADMIN_PHONE, expect, expectNoSeriousA11yViolations, loginAs, nationalDigits, readCodeFromOutbox, snap, test, uniquePhone } from "./fixtures";

const phoneField = (page: Page) => page.getByLabel("Phone number", { exact: true });
const countrySelect = (page: Page) => page.getByLabel("Country", { exact: true });
const codeField = (page: Page) => page.getByLabel(/-digit code$/);
const codeStep = (page: Page) => page.getByRole("heading", { name: "Enter your code" });
const display = (e164: string) => `+255 ${e164.slice(4, 7)} ${e164.slice(7, 10)} ${e164.slice(10)}`;

/** Step 1 with its confirmation: type the national number, send, confirm; returns when step 2 shows. */
async function requestCode(page: Page, phone: string): Promise<number> {
  await phoneField(page).fill(nationalDigits(phone));
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByTestId("confirm-phone")).toHaveText(display(phone));
  const before = Date.now();
  await page.getByRole("button", { name: /^Yes, send the code/ }).click();
  await expect(codeStep(page)).toBeVisible();
  return before;
}

/** A code of the right length that is certainly not `code`. */
const wrongCode = (code: string) => code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));

/** Every request URL a page makes, to prove the number never travels in one. */
function recordUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (r: Request) => urls.push(r.url()));
  return urls;
}

function expectNumberNotIn(urls: string[], phone: string) {
  const digits = phone.slice(4); // national significant number, in any form
  for (const url of urls) expect(decodeURIComponent(url), url).not.toContain(digits.slice(0, 6));
}

async function noJsPage(browser: Browser, testInfo: TestInfo) {
  const context = await browser.newContext({ ...testInfo.project.use, javaScriptEnabled: false, baseURL: testInfo.project.use.baseURL });
  return { context, page: await context.newPage() };
}

test.describe("1. progressive enhancement", () => {
  test("signs in with JavaScript disabled, through real form posts, and the number never enters a URL @mobile", async ({ browser, request }, testInfo) => {
    const { context, page } = await noJsPage(browser, testInfo);
    const urls = recordUrls(page);
    const phone = uniquePhone();
    await page.goto("/login?callbackUrl=%2Faccount");
    await expect(page.locator("form[method=post][action='/login/send']")).toHaveCount(1);
    await phoneField(page).fill(nationalDigits(phone));
    await snap(page, testInfo, "nojs-01-phone");
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByTestId("confirm-phone")).toHaveText(display(phone));
    await snap(page, testInfo, "nojs-02-confirm");
    const before = Date.now();
    await page.getByRole("button", { name: /^Yes, send the code/ }).click();
    await expect(codeStep(page)).toBeVisible();
    await expect(page.getByTestId("code-phone")).toHaveText(display(phone));
    await expect(page.getByTestId("code-expiry")).toContainText(/The code works until \d\d:\d\d UTC/);
    await snap(page, testInfo, "nojs-03-code");
    const code = await readCodeFromOutbox(request, phone, { after: before });
    await codeField(page).fill(code);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
    expectNumberNotIn(urls, phone);
    expect(new URL(page.url()).search).toBe("");

    // Sign-out is a form too.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login\?signedOut=1$/);
    await context.close();
  });

  test("without JavaScript a wrong code says so on the code step and the right one still works", async ({ browser, request }, testInfo) => {
    const { context, page } = await noJsPage(browser, testInfo);
    const phone = uniquePhone();
    await page.goto("/login");
    await phoneField(page).fill(nationalDigits(phone));
    await page.getByRole("button", { name: "Send code" }).click();
    const before = Date.now();
    await page.getByRole("button", { name: /^Yes, send the code/ }).click();
    const code = await readCodeFromOutbox(request, phone, { after: before });
    await codeField(page).fill(wrongCode(code));
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(page.getByText("That code isn't right. You have 4 attempts left.")).toBeVisible();
    await codeField(page).fill(code);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await context.close();
  });

  test("refuses the login forms from another site (login CSRF)", async ({ request }) => {
    for (const path of ["/login/send", "/login/verify", "/logout"]) {
      const res = await request.post(path, { form: { phone: "0712345678", code: "123456" }, headers: { Origin: "https://evil.example" } });
      expect(res.status(), path).toBe(403);
    }
  });
});

test.describe("2. one round trip from code to session", () => {
  test("a right code sets the session in the verify answer, then one navigation to /account @mobile", async ({ page, request }, testInfo) => {
    const phone = uniquePhone();
    await page.goto("/login");
    const before = await requestCode(page, phone);
    const code = await readCodeFromOutbox(request, phone, { after: before });
    const requests: string[] = [];
    page.on("request", (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await codeField(page).pressSequentially(code); // submits itself at the last digit
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
    await page.waitForLoadState("networkidle");
    // Static assets (cached chunks, the browser's own favicon check) are not round trips of the flow.
    const dynamic = requests.filter((r) => !r.includes("/_next/static/") && r !== "GET /icon.svg");
    expect(dynamic).toEqual(["POST /api/otp/verify", "GET /account"]);
    await snap(page, testInfo, "account");
    const session = (await (await page.request.get("/api/auth/session")).json()) as { user?: { phone?: string } };
    expect(session.user?.phone).toBe(phone);
  });

  test("the navigation to /account is one document load, with times already in the browser's zone @mobile", async ({ browser, request }, testInfo) => {
    // /login runs outside the App Router (its framework alone is over the page's 120 KB budget), so
    // the way on is a plain navigation: one document, rendered with the browser's zone (issue 14).
    const context = await browser.newContext({ ...testInfo.project.use, baseURL: testInfo.project.use.baseURL, timezoneId: "Asia/Tokyo" });
    const page = await context.newPage();
    const phone = uniquePhone();
    await page.goto("/login");
    const before = await requestCode(page, phone);
    const code = await readCodeFromOutbox(request, phone, { after: before });
    const seen: Request[] = [];
    page.on("request", (r) => seen.push(r));
    await codeField(page).pressSequentially(code);
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
    await expect(page).toHaveURL(/\/account$/);
    const account = seen.filter((r) => new URL(r.url()).pathname === "/account");
    expect(account.map((r) => r.resourceType())).toEqual(["document"]);
    // The login form remembered the zone: the server renders Tokyo time, before any script runs.
    const html = await (await page.request.get("/account")).text();
    const iso = await page.locator("time").first().getAttribute("datetime");
    const tokyo = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Tokyo" }).format(new Date(iso!));
    await expect(page.locator("time").first()).toHaveText(tokyo);
    expect(html).toContain(`>${tokyo}</time>`);
    await context.close();
  });

  test('POST /api/otp/verify with "session": true refuses another origin and sets the cookie for its own', async ({ request, playwright, baseURL }) => {
    const phone = uniquePhone();
    await request.post("/api/otp/send", { data: { phone, purpose: "Login" } });
    const code = await readCodeFromOutbox(request, phone);
    const foreign = await request.post("/api/otp/verify", { data: { phone, code, session: true }, headers: { Origin: "https://evil.example" } });
    expect(foreign.status()).toBe(403);
    expect((await foreign.json()).error.code).toBe("cross_site"); // the API's cross-site guard answers first
    // A caller naming no origin at all (a server) may verify, but not be handed a browser session.
    const serverSide = await request.post("/api/otp/verify", { data: { phone, code, session: true } });
    expect(serverSide.status()).toBe(403);
    expect((await serverSide.json()).error.code).toBe("forbidden");
    const own = await playwright.request.newContext({ baseURL });
    const res = await own.post("/api/otp/verify", { data: { phone, code, session: true }, headers: { Origin: baseURL! } });
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "verified", session: { phone } });
    expect(body.loginToken).toBeUndefined();
    expect(res.headers()["set-cookie"]).toContain("next-auth.session-token=");
    const session = await (await own.get("/api/auth/session")).json();
    expect(session.user.phone).toBe(phone);
    await own.dispose();
  });

  test("the credentials provider still signs in for API clients", async ({ page }) => {
    const phone = uniquePhone();
    await loginAs(page, phone);
    await page.goto("/account");
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
  });
});

test.describe("3. timeouts and retry", () => {
  test("a send that fails says 'No connection — try again' and keeps the number; Try again works @mobile", async ({ page }, testInfo) => {
    const phone = uniquePhone();
    await page.goto("/login");
    await page.route("**/login/send", (route) => route.abort("internetdisconnected"));
    await phoneField(page).fill(nationalDigits(phone));
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByText("No connection — try again.")).toBeVisible();
    await expect(phoneField(page)).toHaveValue(nationalDigits(phone));
    await snap(page, testInfo, "no-connection");
    await page.unroute("**/login/send");
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByTestId("confirm-phone")).toHaveText(display(phone));
  });

  test("a request that never answers gives up after 15 s with the code kept", async ({ page, request }) => {
    test.setTimeout(60_000);
    const phone = uniquePhone();
    await page.goto("/login");
    const before = await requestCode(page, phone);
    const code = await readCodeFromOutbox(request, phone, { after: before });
    await page.route("**/api/otp/verify", () => {
      // never answered
    });
    await codeField(page).fill(code);
    await expect(page.getByText("No connection — try again.")).toBeVisible({ timeout: 25_000 });
    await expect(codeField(page)).toHaveValue(code);
    await page.unroute("**/api/otp/verify");
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(page).toHaveURL(/\/account$/);
  });
});

test.describe("4. resumable code step", () => {
  test("a reload on the code step keeps the step, the number and the countdowns; Back returns to the number @mobile", async ({ page, request }, testInfo) => {
    const phone = uniquePhone();
    await page.goto("/login");
    const urls = recordUrls(page);
    const before = await requestCode(page, phone);
    await page.reload();
    await expect(codeStep(page)).toBeVisible();
    await expect(page.getByTestId("code-phone")).toHaveText(display(phone));
    await expect(page.getByTestId("code-expiry")).toContainText(/The code expires in [45]:\d\d/);
    await snap(page, testInfo, "reloaded-code-step");
    await page.goBack();
    await expect(phoneField(page)).toBeVisible();
    await expect(phoneField(page)).toHaveValue(nationalDigits(phone));
    // The same number again while its code still works: straight back to it, no new SMS.
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(codeStep(page)).toBeVisible();
    await expect(page.getByText("Enter the code we already sent: it still works.").first()).toBeVisible();
    const code = await readCodeFromOutbox(request, phone, { after: before });
    await codeField(page).fill(code);
    await expect(page).toHaveURL(/\/account$/);
    expectNumberNotIn(urls, phone);
  });

  test("'I already have a code' reaches the code step without sending another SMS @mobile", async ({ browser, request }, testInfo) => {
    const phone = uniquePhone();
    const res = await request.post("/api/otp/send", { data: { phone, purpose: "Login" } });
    expect(res.ok()).toBe(true);
    const code = await readCodeFromOutbox(request, phone);
    const context = await browser.newContext({ ...testInfo.project.use, baseURL: testInfo.project.use.baseURL });
    const page = await context.newPage();
    await page.goto("/login");
    await phoneField(page).fill(nationalDigits(phone));
    await page.getByRole("button", { name: "I already have a code" }).click();
    await expect(codeStep(page)).toBeVisible();
    await expect(page.getByTestId("code-phone")).toHaveText(display(phone));
    await codeField(page).fill(code);
    await expect(page).toHaveURL(/\/account$/);
    const outbox = (await (await request.get(`/api/dev/outbox?to=${encodeURIComponent(phone)}`)).json()) as { messages: unknown[] };
    expect(outbox.messages).toHaveLength(1);
    await context.close();
  });
});

test.describe("5. certain of the number", () => {
  test("asks once per number, shows it in full on the code step, and resending skips the question @mobile", async ({ page, request }, testInfo) => {
    const phone = uniquePhone();
    await page.goto("/login");
    await phoneField(page).fill(nationalDigits(phone));
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByRole("heading", { name: "Is this your number?" })).toBeVisible();
    await expect(page.getByRole("button", { name: /^Yes, send the code/ })).toBeFocused();
    await snap(page, testInfo, "confirm");
    await page.getByRole("button", { name: "No, change the number" }).click();
    await expect(phoneField(page)).toHaveValue(nationalDigits(phone));
    const before = await requestCode(page, phone);
    await expect(page.getByText(`We sent a 6-digit code to ${display(phone)}.`)).toBeVisible();
    await readCodeFromOutbox(request, phone, { after: before });
    // Resend after the 5 s cooldown: no question, a new SMS.
    const resend = page.getByRole("button", { name: "Resend code", exact: true });
    await expect(resend).toBeVisible({ timeout: 10_000 });
    const beforeResend = Date.now();
    await resend.click();
    await expect(page.getByText("We sent a new code. Earlier codes no longer work.").first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "Is this your number?" })).toHaveCount(0);
    const code = await readCodeFromOutbox(request, phone, { after: beforeResend });
    // "Wrong number? Change" leads back to the number.
    await expect(page.getByRole("button", { name: "Change" })).toBeVisible();
    await codeField(page).fill(code);
    await expect(page).toHaveURL(/\/account$/);
  });

  test("reads +254…, 00255… and 254… under any country and switches the country to match @mobile", async ({ page }) => {
    await page.goto("/login");
    await expect(countrySelect(page)).toHaveValue("TZ");
    await phoneField(page).pressSequentially("+254712345678");
    await expect(countrySelect(page)).toHaveValue("KE");
    await expect(page.locator("img[src='/flags/KE.svg']")).toBeVisible();
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByTestId("confirm-phone")).toHaveText("+254 712 345678"); // Kenya's own grouping
    await page.getByRole("button", { name: "No, change the number" }).click();

    await countrySelect(page).selectOption("KE");
    await phoneField(page).fill("00255712345678");
    await expect(countrySelect(page)).toHaveValue("TZ");
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByTestId("confirm-phone")).toHaveText("+255 712 345 678");
    await page.getByRole("button", { name: "No, change the number" }).click();

    await countrySelect(page).selectOption("TZ");
    await phoneField(page).fill("254712345678");
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByTestId("confirm-phone")).toHaveText("+254 712 345678");
    await page.getByRole("button", { name: "No, change the number" }).click();
    await expect(countrySelect(page)).toHaveValue("KE");

    // Arabic-Indic digits are read as 0–9.
    await countrySelect(page).selectOption("TZ");
    await phoneField(page).fill("٠٧١٢٣٤٥٦٧٨");
    await expect(phoneField(page)).toHaveValue("0712345678");
  });

  test("the country list shows dial codes, starts with the region, and can be searched @mobile", async ({ page }, testInfo) => {
    await page.goto("/login");
    const groups = countrySelect(page).locator("optgroup");
    await expect(groups.first()).toHaveAttribute("label", "East Africa");
    await expect(groups.first().locator("option").first()).toHaveText("Tanzania (+255)");
    await expect(groups.first().locator("option").nth(1)).toHaveText("Kenya (+254)");
    await expect(page.locator("img[src='/flags/TZ.svg']")).toBeVisible();
    await page.getByLabel("Search countries").fill("ugan");
    await expect(countrySelect(page)).toHaveValue("UG");
    await expect(phoneField(page)).toHaveAttribute("placeholder", /^e\.g\. 0/);
    await snap(page, testInfo, "country-search");
    await page.getByLabel("Search countries").fill("+44");
    await expect(countrySelect(page)).toHaveValue("GB");
  });
});

test.describe("6. recovery without dead ends", () => {
  test("after a lock, focus is on 'Send a new code', focusable while counting down and announced when ready @mobile", async ({ page, request }, testInfo) => {
    const phone = uniquePhone();
    await page.goto("/login");
    const before = await requestCode(page, phone);
    await expect(page.getByTestId("code-expiry")).toHaveText(/^The code expires in [45]:\d\d\.$/);
    const code = await readCodeFromOutbox(request, phone, { after: before });
    for (let i = 0; i < 5; i++) {
      await codeField(page).fill(wrongCode(code));
      await expect(page.getByText(/That code isn't right|locked/)).toBeVisible();
    }
    await expect(page.getByText("Too many wrong codes, so this code is now locked. Send a new code to continue.")).toBeVisible();
    const sendNew = page.getByRole("button", { name: /^Send a new code/ });
    await expect(sendNew).toBeFocused();
    await snap(page, testInfo, "locked");
    await expect(page.getByTestId("login-announcer")).toHaveText("You can send a new code now.", { timeout: 10_000 });
    await expect(sendNew).toHaveText("Send a new code");
    await expect(sendNew).not.toHaveAttribute("aria-disabled", "true");
    const beforeNew = Date.now();
    await sendNew.click();
    const fresh = await readCodeFromOutbox(request, phone, { after: beforeNew });
    await codeField(page).fill(fresh);
    await expect(page).toHaveURL(/\/account$/);
  });

  test("says which limit refused a code and when to try again in local time", async ({ browser }, testInfo) => {
    const context = await browser.newContext({ ...testInfo.project.use, baseURL: testInfo.project.use.baseURL, timezoneId: "Asia/Kolkata" });
    const page = await context.newPage();
    await page.goto("/login");
    const retryAfter = 1800;
    await page.route("**/login/send", (route) =>
      route.fulfill({ status: 429, contentType: "application/json", headers: { "Retry-After": String(retryAfter) }, body: JSON.stringify({ error: { code: "rate_limited", message: "Too many codes were requested for this number.", retryAfter, limit: "phone_hour" } }) }),
    );
    await phoneField(page).fill("0712345678");
    const at = Date.now() + retryAfter * 1000;
    await page.getByRole("button", { name: "Send code" }).click();
    const local = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Asia/Kolkata" });
    const options = [local.format(at - 60_000), local.format(at), local.format(at + 60_000)];
    await expect(page.locator("#phone-message")).toHaveText(new RegExp(`^5 codes per hour for this number — try again at (${options.join("|")})\\.$`));
    await snap(page, testInfo, "rate-limited");
    await context.close();
  });

  test("a code that expires while the page is open says so and moves focus to 'Send a new code'", async ({ page, request }) => {
    test.setTimeout(45_000);
    const phone = uniquePhone();
    await page.goto(`${SHORT_TTL_BASE_URL}/login`);
    await phoneField(page).fill(nationalDigits(phone));
    await page.getByRole("button", { name: "Send code" }).click();
    await page.getByRole("button", { name: /^Yes, send the code/ }).click();
    await expect(page.getByTestId("code-expiry")).toHaveText(/The code expires in 0:(0\d|10)\./);
    await expect(page.getByText("This code has expired. Send a new code to continue.")).toBeVisible({ timeout: (SHORT_TTL_SECONDS + 5) * 1000 });
    await expect(page.getByRole("button", { name: /^Send a new code/ })).toBeFocused();
    void request;
  });
});

test.describe("7. weight", () => {
  test("/login loads at most 120 KB of JavaScript (gzip, as transferred), its own bundle and no framework chunk @mobile", async ({ page }) => {
    const scripts: { path: string; bytes: number }[] = [];
    page.on("requestfinished", async (r) => {
      if (r.resourceType() === "script") scripts.push({ path: new URL(r.url()).pathname, bytes: (await r.sizes()).responseBodySize });
    });
    await page.goto("/login");
    await expect(page.getByLabel("Search countries")).toBeEnabled(); // hydrated
    await page.waitForLoadState("networkidle");
    expect(scripts.map((s) => s.path)).toEqual([expect.stringMatching(/^\/_next\/static\/login\/login-[A-Z0-9]+\.js$/)]);
    const total = scripts.reduce((sum, s) => sum + s.bytes, 0);
    expect(total, "gzip bytes of every script").toBeGreaterThan(10_000); // really compressed bytes, not an empty answer
    expect(total, "gzip bytes of every script").toBeLessThanOrEqual(120 * 1024);
  });

  test("loads only the selected country's flag and no admin or chart code @mobile", async ({ page }) => {
    const scripts: string[] = [];
    const images: string[] = [];
    page.on("response", async (r) => {
      const type = r.request().resourceType();
      if (type === "script") scripts.push(await r.text().catch(() => ""));
      if (type === "image") images.push(new URL(r.url()).pathname);
    });
    await page.goto("/login");
    await page.waitForLoadState("networkidle");
    expect(images.filter((p) => p.startsWith("/flags/"))).toEqual(["/flags/TZ.svg"]);
    const all = scripts.join("\n");
    expect(all).not.toContain("recharts");
    expect(all).not.toContain("react-phone-number-input");
    expect(all).not.toMatch(/admin\/verifications/);
  });
});

test.describe("8. touch and time", () => {
  test("'Change' and 'Resend' are at least 44 px tall @mobile", async ({ page }) => {
    await page.goto("/login");
    await requestCode(page, uniquePhone());
    for (const name of [/^Change$/, /^Resend code/]) {
      const box = await page.getByRole("button", { name }).boundingBox();
      expect(box?.height ?? 0, String(name)).toBeGreaterThanOrEqual(44);
    }
  });

  test("/account shows login times in the browser's time zone @mobile", async ({ browser }, testInfo) => {
    const context = await browser.newContext({ ...testInfo.project.use, baseURL: testInfo.project.use.baseURL, timezoneId: "Asia/Tokyo" });
    const page = await context.newPage();
    await loginAs(page, uniquePhone());
    await page.goto("/account");
    const iso = await page.locator("time").first().getAttribute("datetime");
    const expected = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Tokyo" }).format(new Date(iso!));
    await expect(page.locator("time").first()).toHaveText(expected);
    await context.close();
  });
});

test.describe("login pages and session", () => {
  test("signs out from /account in one form post, and /account then asks to log in again @mobile", async ({ page }) => {
    await loginAs(page, uniquePhone());
    await page.goto("/account");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login\?signedOut=1$/);
    await expect(page.getByText("You have signed out.")).toBeVisible();
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
  });

  test("reads a phone typed in Devanagari digits and a code typed in Arabic-Indic digits, and logs in", async ({ page, request }, testInfo) => {
    const inScript = (ascii: string, zero: number) => ascii.replace(/[0-9]/g, (d) => String.fromCodePoint(zero + Number(d)));
    const phone = uniquePhone();
    await page.goto("/login");
    await expect(page.getByLabel("Search countries")).toBeEnabled(); // hydrated
    await phoneField(page).pressSequentially(inScript(nationalDigits(phone), 0x966), { delay: 30 });
    await expect(phoneField(page)).toHaveValue(nationalDigits(phone)); // read as ASCII digits
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByTestId("confirm-phone")).toHaveText(display(phone));
    const before = Date.now();
    await page.getByRole("button", { name: /^Yes, send the code/ }).click();
    await expect(codeStep(page)).toBeVisible();
    const code = await readCodeFromOutbox(request, phone, { after: before });
    // The screenshot before the last digit: the full code auto-submits, and a screenshot taken while
    // the page navigates away can hang until the test times out.
    await codeField(page).pressSequentially(inScript(code.slice(0, -1), 0x660));
    await snap(page, testInfo, "arabic-indic-code");
    await codeField(page).pressSequentially(inScript(code.slice(-1), 0x660));
    await page.waitForURL("**/account");
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
  });

  test("sends a signed-out visitor from an admin page to the login page and back, as an admin", async ({ page, request }) => {
    await page.goto("/admin/users");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Fusers$/);
    const before = Date.now();
    await phoneField(page).fill(nationalDigits(UI_ADMIN_PHONE));
    await page.getByRole("button", { name: "Send code" }).click();
    await page.getByRole("button", { name: /^Yes, send the code/ }).click();
    await expect(codeStep(page)).toBeVisible();
    const code = await readCodeFromOutbox(request, UI_ADMIN_PHONE, { after: before });
    await codeField(page).fill(code);
    await expect(page).toHaveURL(/\/admin\/users$/);
  });

  test("shows a 403 page to a signed-in user who is not an admin", async ({ page }, testInfo) => {
    await loginAs(page, uniquePhone());
    await page.goto("/admin");
    await expect(page.getByRole("heading", { name: /don.t have access/i })).toBeVisible();
    await snap(page, testInfo, "403");
  });

  test("ignores a callbackUrl that leaves the site", async ({ page, request }) => {
    const phone = uniquePhone();
    await page.goto("/login?callbackUrl=https%3A%2F%2Fevil.example%2F");
    const before = await requestCode(page, phone);
    await codeField(page).fill(await readCodeFromOutbox(request, phone, { after: before }));
    await expect(page).toHaveURL(/\/account$/);
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`has no serious accessibility violations on the login steps and /account (${scheme}) @mobile`, async ({ page }, testInfo) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto("/login");
      await expectNoSeriousA11yViolations(page, "phone step");
      await snap(page, testInfo, `axe-${scheme}-phone`);
      const phone = uniquePhone();
      await phoneField(page).fill(nationalDigits(phone));
      await page.getByRole("button", { name: "Send code" }).click();
      await expect(page.getByTestId("confirm-phone")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "confirm step");
      await snap(page, testInfo, `axe-${scheme}-confirm`);
      await page.getByRole("button", { name: /^Yes, send the code/ }).click();
      await expect(codeStep(page)).toBeVisible();
      await expectNoSeriousA11yViolations(page, "code step");
      await snap(page, testInfo, `axe-${scheme}-code`);
      await loginAs(page, uniquePhone());
      await page.goto("/account");
      await expectNoSeriousA11yViolations(page, "account");
      await snap(page, testInfo, `axe-${scheme}-account`);
    });
  }
});
