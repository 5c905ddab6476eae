import AxeBuilder from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { SHORT_TTL_BASE_URL, SHORT_TTL_SECONDS } from "../playwright.config";
import { ADMIN_PHONE, expect, loginAs, nationalDigits, readCodeFromOutbox, test, uniquePhone } from "./fixtures";

/** Saves a full-page screenshot as a test artifact (test-results/…) and attaches it to the report. */
async function snap(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

const phoneField = (page: Page) => page.getByLabel("Phone number", { exact: true });
const codeField = (page: Page) => page.getByLabel(/-digit code$/);

/**
 * Step 1 of the UI: type the national number and ask for a code; returns when step 2 shows.
 * `waitOutCooldown`: for a phone other tests also use (the admin), wait as the page says and retry.
 */
async function requestCode(page: Page, phone: string, opts: { waitOutCooldown?: boolean } = {}): Promise<number> {
  await phoneField(page).fill(nationalDigits(phone));
  let before = Date.now();
  await page.getByRole("button", { name: "Send code" }).click();
  const codeStep = page.getByRole("heading", { name: "Enter your code" });
  if (opts.waitOutCooldown) {
    // Refused for a while: the Send button counts down and is enabled again when the wait is over.
    const waiting = page.getByRole("button", { name: /^Send code in \d+ s$/ });
    await expect(codeStep.or(waiting)).toBeVisible();
    if (await waiting.isVisible()) {
      const send = page.getByRole("button", { name: "Send code", exact: true });
      await expect(send).toBeEnabled({ timeout: 35_000 });
      before = Date.now();
      await send.click();
    }
  }
  await expect(codeStep).toBeVisible();
  return before;
}

/** A code of the right length that is certainly not `code`. */
const wrongCode = (code: string) => code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));

async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

test.describe("phone login", () => {
  test("logs in end to end with a code typed from the SMS, and lands on /account @mobile", async ({ page, request }, testInfo) => {
    const phone = uniquePhone();
    await page.goto("/login");
    await expect(page.getByRole("heading", { name: "Log in with your phone" })).toBeVisible();
    // Country selector defaults to PHONE_DEFAULT_COUNTRY (TZ) and a development inbox link is offered.
    await expect(page.getByRole("combobox", { name: "Country" })).toHaveValue("TZ");
    // The product's name leads home; the field shows what a number of the chosen country looks like.
    await expect(page.getByRole("link", { name: "PhoneOTP home" })).toHaveAttribute("href", "/");
    await expect(phoneField(page)).toHaveAttribute("placeholder", "e.g. 0621 234 567");
    await expect(page.getByRole("link", { name: /development inbox/i })).toHaveAttribute("href", "/dev/inbox");
    await snap(page, testInfo, "01-phone-step");

    // At human speed: on Android the field re-positions the caret after each formatted keystroke.
    await phoneField(page).pressSequentially(nationalDigits(phone), { delay: 60 });
    await expect(phoneField(page)).not.toHaveValue(nationalDigits(phone)); // formatted as you type
    await snap(page, testInfo, "02-phone-typed");
    const before = Date.now();
    await page.getByRole("button", { name: "Send code" }).click();

    await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
    await expect(codeField(page)).toBeFocused();
    await expect(codeField(page)).toHaveAttribute("autocomplete", "one-time-code");
    await expect(codeField(page)).toHaveAttribute("inputmode", "numeric");
    await expect(page.getByTestId("masked-phone")).toContainText(phone.slice(-3));
    await expect(page.getByTestId("masked-phone")).not.toContainText(phone.slice(4, 9));
    await expect(page.getByRole("button", { name: /Resend code in \d+ s/ })).toBeDisabled();
    await snap(page, testInfo, "03-code-step");

    const code = await readCodeFromOutbox(request, phone, { after: before });
    await codeField(page).pressSequentially(code.slice(0, -1));
    await snap(page, testInfo, "04-code-typing");
    await codeField(page).press(code.slice(-1)); // the last digit submits by itself

    await page.waitForURL("**/account");
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
    await expect(page.getByText("This is your first login")).toBeVisible();
    await snap(page, testInfo, "05-account");
  });

  test("logs in on the desktop with a pasted code, in dark mode", async ({ page, request }, testInfo) => {
    await page.emulateMedia({ colorScheme: "dark" });
    const phone = uniquePhone();
    await page.goto("/login");
    await snap(page, testInfo, "01-phone-step-dark");
    const before = await requestCode(page, phone);
    const code = await readCodeFromOutbox(request, phone, { after: before });
    await snap(page, testInfo, "02-code-step-dark");
    // Paste the whole code as an SMS app would copy it, spaces included.
    await codeField(page).evaluate((input, text) => {
      const data = new DataTransfer();
      data.setData("text/plain", text);
      input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }, `${code.slice(0, 3)} ${code.slice(3)}`);
    await page.waitForURL("**/account");
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
    await snap(page, testInfo, "03-account-dark");
  });

  test("reads a phone typed in Devanagari digits and a code typed in Arabic-Indic digits, and logs in", async ({ page, request }, testInfo) => {
    const inScript = (ascii: string, zero: number) => ascii.replace(/[0-9]/g, (d) => String.fromCodePoint(zero + Number(d)));
    const phone = uniquePhone();
    await page.goto("/login");
    await phoneField(page).pressSequentially(inScript(nationalDigits(phone), 0x966), { delay: 30 });
    await expect(phoneField(page)).toHaveValue(/^0\d{3} \d{3} \d{3}$/); // read as ASCII digits, formatted
    const before = Date.now();
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
    const code = await readCodeFromOutbox(request, phone, { after: before });
    await codeField(page).pressSequentially(inScript(code, 0x660));
    await snap(page, testInfo, "arabic-indic-code");
    await page.waitForURL("**/account");
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
  });

  test("takes the code from WebOTP where the browser offers it, and cancels the request when leaving the step", async ({ page, request }) => {
    // Chromium offers WebOTP only on Android with a real SMS: stand in for the browser's side.
    await page.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      const state: { requests: string[]; aborted: number; deliver: (code: string) => void } = { requests: [], aborted: 0, deliver: () => {} };
      w.__webOtp = state;
      w.OTPCredential = function OTPCredential() {};
      Object.defineProperty(navigator.credentials, "get", {
        value: (options: { otp?: { transport: string[] }; signal?: AbortSignal }) =>
          new Promise((resolve, reject) => {
            if (!options.otp) return reject(new Error("not an OTP request"));
            state.requests.push(options.otp.transport.join(","));
            state.deliver = (code) => {
              resolve({ type: "otp", id: "", code });
            };
            options.signal?.addEventListener("abort", () => {
              state.aborted += 1;
              reject(new DOMException("aborted", "AbortError"));
            });
          }),
      });
    });
    const webOtp = () => page.evaluate(() => (window as unknown as { __webOtp: { requests: string[]; aborted: number } }).__webOtp);
    await page.goto("/login");
    await requestCode(page, uniquePhone());
    await expect.poll(async () => (await webOtp()).requests).toEqual(["sms"]);
    await page.getByRole("button", { name: "Change number" }).click();
    await expect.poll(async () => (await webOtp()).aborted).toBe(1);

    const phone = uniquePhone();
    const before = await requestCode(page, phone);
    await expect.poll(async () => (await webOtp()).requests).toHaveLength(2);
    const code = await readCodeFromOutbox(request, phone, { after: before });
    await page.evaluate((c) => (window as unknown as { __webOtp: { deliver(code: string): void } }).__webOtp.deliver(c), code);
    await page.waitForURL("**/account");
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
  });

  test("explains an invalid phone number next to the field", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.locator("#phone-message")).toHaveText("Enter your phone number.");
    await phoneField(page).fill("0123");
    await page.getByRole("button", { name: "Send code" }).click();
    // The form has a country picker: the words fit it (the API's own text asks for a country code).
    await expect(page.locator("#phone-message")).toHaveText("That phone number isn't valid. Check the country and the number.");
    await expect(phoneField(page)).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("heading", { name: "Log in with your phone" })).toBeVisible();
  });

  test("explains an SMS failure and a verify rate limit in plain words (API answers stubbed)", async ({ page }) => {
    await page.route("**/api/otp/send", (route) =>
      route.fulfill({ status: 502, json: { error: { code: "sms_failed", message: "The SMS could not be sent." } } }),
    );
    await page.goto("/login");
    await phoneField(page).fill("0712345678");
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.locator("#phone-message")).toHaveText("We couldn't send the SMS just now. Please try again in a moment.");

    const inAMinute = new Date(Date.now() + 60_000).toISOString();
    await page.route("**/api/otp/send", (route) =>
      route.fulfill({ json: { status: "sent", verificationId: "v1", phone: "+255712345678", expiresAt: inAMinute, resendAfter: inAMinute } }),
    );
    await page.route("**/api/otp/verify", (route) =>
      route.fulfill({ status: 429, headers: { "Retry-After": "120" }, json: { error: { code: "rate_limited", message: "Too many attempts.", retryAfter: 120 } } }),
    );
    await page.getByRole("button", { name: "Send code" }).click();
    await codeField(page).fill("123456");
    await expect(page.locator("#code-message")).toHaveText("Too many attempts. Try again in 2 minutes.");
    await expect(page.getByRole("button", { name: /Resend code in \d+ s/ })).toBeDisabled();
  });

  test("keeps offering a new code when the resend of an expired one is refused for a while (API answers stubbed)", async ({ page }) => {
    const now = new Date().toISOString();
    let sends = 0;
    await page.route("**/api/otp/send", (route) =>
      ++sends === 1
        ? route.fulfill({ json: { status: "sent", verificationId: "v1", phone: "+255712345678", expiresAt: now, resendAfter: now } })
        : route.fulfill({ status: 429, headers: { "Retry-After": "30" }, json: { error: { code: "rate_limited", message: "Too many.", retryAfter: 30 } } }),
    );
    await page.route("**/api/otp/verify", (route) => route.fulfill({ status: 400, json: { error: { code: "expired", message: "Expired." } } }));
    await page.goto("/login");
    await phoneField(page).fill("0712345678");
    await page.getByRole("button", { name: "Send code" }).click();
    await codeField(page).fill("123456");
    await page.getByRole("button", { name: "Send a new code" }).click();
    await expect(page.locator("#code-message")).toHaveText("You can ask for a new code in 30 seconds.");
    await expect(page.getByRole("button", { name: /^Send a new code in (29|30) s$/ })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Verify and sign in" })).toHaveCount(0);
  });

  test("a wrong code says how many attempts are left, and the right one still works", async ({ page, request }, testInfo) => {
    const phone = uniquePhone();
    await page.goto("/login");
    const before = await requestCode(page, phone);
    const code = await readCodeFromOutbox(request, phone, { after: before });
    await codeField(page).fill(wrongCode(code));
    await expect(page.locator("#code-message")).toHaveText("That code isn't right. You have 4 attempts left.");
    await expect(codeField(page)).toBeFocused();
    await expect(codeField(page)).toHaveValue("");
    await snap(page, testInfo, "wrong-code");
    await codeField(page).fill(code);
    await page.waitForURL("**/account");
  });

  test("locks the code after the maximum number of wrong attempts and offers a new one", async ({ page, request }) => {
    const phone = uniquePhone();
    await page.goto("/login");
    const before = await requestCode(page, phone);
    const code = await readCodeFromOutbox(request, phone, { after: before });
    for (const left of [4, 3, 2, 1]) {
      await codeField(page).fill(wrongCode(code));
      await expect(page.locator("#code-message")).toContainText(`${left} attempt${left === 1 ? "" : "s"} left`);
    }
    await codeField(page).fill(wrongCode(code));
    await expect(page.locator("#code-message")).toContainText("this code is now locked");
    // The dead code cannot be typed into; sending a new one is the way on.
    await expect(codeField(page)).toBeDisabled();
    await expect(page.getByRole("button", { name: /Send a new code/ })).toBeVisible();
    await expect(page.getByRole("button", { name: "Verify and sign in" })).toHaveCount(0);
    // Even the right code is refused now.
    const verify = await request.post("/api/otp/verify", { data: { phone, code, purpose: "Login" } });
    expect(verify.status()).toBe(400);
    expect((await verify.json()).error.code).toBe("locked");
  });

  test("going back to the code step with the same number during the resend wait keeps the code that was sent", async ({ page, request }, testInfo) => {
    const phone = uniquePhone();
    await page.goto("/login");
    const before = await requestCode(page, phone);
    await page.getByRole("button", { name: "Change number" }).click(); // within the 5-second resend wait
    await expect(phoneField(page)).toBeFocused();
    let sends = 0;
    page.on("request", (r) => void (r.url().endsWith("/api/otp/send") && sends++));
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
    await expect(page.getByRole("button", { name: /^Resend code in [1-5] s$/ })).toBeDisabled();
    await expect(page.locator("#phone-message")).toHaveCount(0);
    expect(sends, "no new code was asked for").toBe(0);
    await snap(page, testInfo, "back-to-code");
    await codeField(page).fill(await readCodeFromOutbox(request, phone, { after: before }));
    await page.waitForURL("**/account");
  });

  test("counts down on the Send button when the server refuses a code for a while (API answer stubbed)", async ({ page }, testInfo) => {
    await page.route("**/api/otp/send", (route) =>
      route.fulfill({ status: 429, headers: { "Retry-After": "3" }, json: { error: { code: "rate_limited", message: "Too many requests.", retryAfter: 3 } } }),
    );
    await page.goto("/login");
    await phoneField(page).fill("0712345678");
    await page.getByRole("button", { name: "Send code" }).click();
    const waiting = page.getByRole("button", { name: /^Send code in [1-3] s$/ });
    await expect(waiting).toBeDisabled();
    await expect(page.locator("#phone-message")).toHaveText("Please wait a moment before asking for another code.");
    await snap(page, testInfo, "rate-limited");
    const secondsShown = async () => Number((await waiting.textContent())?.match(/\d+/)?.[0] ?? 0);
    const shown = await secondsShown();
    await expect.poll(secondsShown, { message: "the countdown ticks" }).toBeLessThan(shown);
    await expect(page.getByRole("button", { name: "Send code", exact: true })).toBeEnabled({ timeout: 5_000 });
    await expect(page.locator("#phone-message")).toBeEmpty();
  });

  test("resend is held back by a live countdown, then sends a new code that works", async ({ page, request }) => {
    const phone = uniquePhone();
    await page.goto("/login");
    const first = await requestCode(page, phone);
    const oldCode = await readCodeFromOutbox(request, phone, { after: first });
    const resend = page.getByRole("button", { name: /^Resend code/ });
    await expect(resend).toHaveText(/Resend code in [1-5] s/);
    const secondsShown = async () => Number((await resend.textContent())?.match(/\d+/)?.[0] ?? 0);
    const shown = await secondsShown();
    await expect.poll(secondsShown, { message: "the countdown ticks" }).toBeLessThan(shown);
    await expect(resend).toBeEnabled({ timeout: 8_000 });
    const second = Date.now();
    await resend.click();
    await expect(page.locator("#code-status")).toContainText("We sent a new code to");
    await expect(page.getByText(/^We sent a new code to .* Change number$/)).toBeVisible();
    const newCode = await readCodeFromOutbox(request, phone, { after: second });
    test.skip(newCode === oldCode, "the new random code happens to equal the old one");
    await codeField(page).fill(oldCode);
    await expect(page.locator("#code-message")).toContainText("isn't right");
    await codeField(page).fill(newCode);
    await page.waitForURL("**/account");
  });

  test("signs out from /account, and /account then asks to log in again", async ({ page }) => {
    const phone = uniquePhone();
    await loginAs(page, phone);
    await page.goto("/account");
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
    await expect(page.getByRole("link", { name: "PhoneOTP home" })).toHaveAttribute("href", "/");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login?signedOut=1");
    await expect(page.getByRole("status")).toHaveText("You have signed out.");
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
  });

  test("sends a signed-out visitor from /account to the login page and back after login", async ({ page, request }) => {
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
    const phone = uniquePhone();
    const before = await requestCode(page, phone);
    await codeField(page).fill(await readCodeFromOutbox(request, phone, { after: before }));
    await page.waitForURL("**/account");
  });

  test("sends a signed-out visitor from an admin page to the login page and back, as an admin", async ({ page, request }) => {
    await page.goto("/admin/verifications?status=locked");
    const url = new URL(page.url());
    expect(url.pathname).toBe("/login");
    expect(url.searchParams.get("callbackUrl")).toBe("/admin/verifications?status=locked");
    const before = await requestCode(page, ADMIN_PHONE, { waitOutCooldown: true }); // the setup project just used it
    await codeField(page).fill(await readCodeFromOutbox(request, ADMIN_PHONE, { after: before }));
    await page.waitForURL((u) => u.pathname === "/admin/verifications" && u.searchParams.get("status") === "locked");
    await expect(page.getByText("You don't have access to this page")).toHaveCount(0);
  });

  test("shows a 403 page to a signed-in user who is not an admin", async ({ page }, testInfo) => {
    await loginAs(page, uniquePhone());
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
    await expect(page.getByText("Error 403")).toBeVisible();
    await snap(page, testInfo, "forbidden");
    await expectNoSeriousA11yViolations(page);
    const api = await page.request.get("/api/auth/session");
    expect((await api.json()).user.role).toBe("USER");
    await page.getByRole("button", { name: "Sign in with another number" }).click();
    await page.waitForURL("**/login?callbackUrl=%2Fadmin");
    expect(await (await page.request.get("/api/auth/session")).json()).toEqual({});
  });

  test("ignores a callbackUrl that leaves the site", async ({ page, request }) => {
    await page.goto("/login?callbackUrl=https%3A%2F%2Fevil.example%2Fphish");
    const phone = uniquePhone();
    const before = await requestCode(page, phone);
    await codeField(page).fill(await readCodeFromOutbox(request, phone, { after: before }));
    await page.waitForURL("**/account");
  });

  test("has no serious accessibility violations on /login (both steps) and /account", async ({ page }) => {
    // No colour transitions: axe must measure contrast on settled colours.
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.goto("/login");
    await expectNoSeriousA11yViolations(page);
    await page.getByRole("button", { name: "Send code" }).click(); // an error state too
    await expect(page.locator("#phone-message")).not.toBeEmpty();
    await expectNoSeriousA11yViolations(page);
    await requestCode(page, uniquePhone());
    await expectNoSeriousA11yViolations(page);
    await loginAs(page, uniquePhone());
    await page.goto("/account");
    await expectNoSeriousA11yViolations(page);
    await page.emulateMedia({ colorScheme: "dark", reducedMotion: "reduce" });
    await expectNoSeriousA11yViolations(page);
    await page.goto("/login");
    await expectNoSeriousA11yViolations(page);
  });
});

test.describe("an expired code", () => {
  test.use({ baseURL: SHORT_TTL_BASE_URL });

  test("offers a new code, and the new code logs in", async ({ page, request }, testInfo) => {
    test.slow();
    const phone = uniquePhone();
    await page.goto("/login");
    const first = await requestCode(page, phone);
    const code = await readCodeFromOutbox(request, phone, { after: first, baseURL: SHORT_TTL_BASE_URL });
    await page.waitForTimeout(SHORT_TTL_SECONDS * 1000 + 500);
    await codeField(page).fill(code);
    await expect(page.locator("#code-message")).toHaveText("This code has expired. Send a new code to continue.");
    await snap(page, testInfo, "expired");
    const second = Date.now();
    await page.getByRole("button", { name: "Send a new code" }).click();
    await expect(page.locator("#code-message")).toBeEmpty();
    const newCode = await readCodeFromOutbox(request, phone, { after: second, baseURL: SHORT_TTL_BASE_URL });
    await codeField(page).fill(newCode);
    await page.waitForURL("**/account");
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
  });
});
