import type { Page } from "@playwright/test";
import { CHALLENGE_BASE_URL } from "../playwright.config";
import { ADMIN_PHONE, ADMIN_STORAGE_STATE, expect, expectNoSeriousA11yViolations, nationalDigits, readCodeFromOutbox, snap, test, uniquePhone } from "./fixtures";

test.describe("bot challenge on the login page (OTP_CHALLENGE=always)", () => {
  test.use({ baseURL: CHALLENGE_BASE_URL });

  /** The login form's posts to /login/send (urlencoded), in order, as field maps. */
  function sendPosts(page: Page): Record<string, string>[] {
    const posts: Record<string, string>[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/login/send") && r.method() === "POST") posts.push(Object.fromEntries(new URLSearchParams(r.postData() ?? "")));
    });
    return posts;
  }

  test("solves the challenge in the background, so a person signs in without doing anything more @mobile", async ({ page, request }) => {
    const phone = uniquePhone();
    await page.goto("/login");
    const posts = sendPosts(page);
    await page.getByLabel("Phone number", { exact: true }).fill(nationalDigits(phone));
    await page.getByRole("button", { name: "Send code" }).click();
    const before = Date.now();
    await page.getByRole("button", { name: /^Yes, send the code/ }).click();
    await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
    const send = posts.find((p) => p.intent === "confirm");
    expect(JSON.parse(Buffer.from(send?.challenge ?? "", "base64").toString())).toMatchObject({ algorithm: "SHA-256", number: expect.any(Number) });
    const code = await readCodeFromOutbox(request, phone, { after: before, baseURL: CHALLENGE_BASE_URL });
    await page.getByLabel(/-digit code$/).fill(code);
    await expect(page).toHaveURL(/\/account$/);
  });

  test("a fresh solution serves the resend: each solution is used once", async ({ page }) => {
    const phone = uniquePhone();
    await page.goto("/login");
    const posts = sendPosts(page);
    await page.getByLabel("Phone number", { exact: true }).fill(nationalDigits(phone));
    await page.getByRole("button", { name: "Send code" }).click();
    await page.getByRole("button", { name: /^Yes, send the code/ }).click();
    await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
    // Focusable while counting down (aria-disabled), named "Resend code" once it can be used.
    const resend = page.getByRole("button", { name: "Resend code", exact: true });
    await expect(resend).toBeVisible({ timeout: 15_000 });
    await resend.click();
    await expect(page.getByText("We sent a new code. Earlier codes no longer work.")).toBeVisible();
    const solutions = posts.filter((p) => p.intent === "confirm" || p.intent === "resend").map((p) => p.challenge);
    expect(solutions).toHaveLength(2);
    expect(solutions.every(Boolean)).toBe(true);
    expect(solutions[0]).not.toBe(solutions[1]);
    await expect(page.getByText(/not a robot/)).toHaveCount(0);
  });

  test("without JavaScript no solution can be made: the form says so and sends no SMS", async ({ browser, request }, testInfo) => {
    const context = await browser.newContext({ ...testInfo.project.use, javaScriptEnabled: false, baseURL: CHALLENGE_BASE_URL });
    const page = await context.newPage();
    const phone = uniquePhone();
    await page.goto("/login");
    await page.getByLabel("Phone number", { exact: true }).fill(nationalDigits(phone));
    await page.getByRole("button", { name: "Send code" }).click();
    await page.getByRole("button", { name: /^Yes, send the code/ }).click();
    await expect(page.locator("#phone-message")).not.toBeEmpty();
    await expect(page.getByRole("heading", { name: "Enter your code" })).toHaveCount(0);
    const outbox = await request.get(`${CHALLENGE_BASE_URL}/api/dev/outbox?to=${encodeURIComponent(phone)}`);
    expect(((await outbox.json()) as { messages: unknown[] }).messages).toHaveLength(0);
    await context.close();
  });

  test("the send API refuses a request without a solution as 400 challenge_required", async ({ request }) => {
    const res = await request.post("/api/otp/send", { data: { phone: uniquePhone(), purpose: "Login" } });
    expect(res.status()).toBe(400);
    expect((await res.json()).error.code).toBe("challenge_required");
  });
});

test.describe("admin Protection page", () => {
  test.use({ storageState: ADMIN_STORAGE_STATE });

  test("blocks a range by hand (the send is refused), shows it with its reason, lifts it, and edits the Safe List", async ({ page, request }, testInfo) => {
    // +25578…: outside uniquePhone()'s +25571… space, so the block never refuses another test's send.
    const phone = uniquePhone().replace(/^\+25571/, "+25578");
    const range = phone.slice(0, -4);
    await page.goto("/admin/protection");
    await expect(page.getByRole("heading", { name: "Protection", level: 1 })).toBeVisible();
    await expect(page.getByTestId("guard-mode")).toHaveText("monitor");

    await page.getByLabel("Range, number or country code").fill(range);
    await page.getByLabel("Note (optional)").first().fill("e2e pumping test");
    await page.getByRole("button", { name: "Block", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: `Blocked range ${range}.` })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: `range ${range}` });
    await expect(row).toContainText("Manual: e2e pumping test");

    const refused = await request.post("/api/otp/send", { data: { phone, purpose: "Login" } });
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toEqual({ error: { code: "blocked", message: expect.any(String), retryAfter: expect.any(Number) } });
    const login = await page.context().newPage();
    await login.goto("/login");
    await login.getByLabel("Phone number", { exact: true }).fill(nationalDigits(phone));
    await login.getByRole("button", { name: "Send code" }).click();
    await login.getByRole("button", { name: /^Yes, send the code/ }).click();
    await expect(login.getByText("We can't send a code to this number right now. Please try again later.")).toBeVisible();
    await login.close();
    await page.reload();
    await expect(page.getByText("Sent vs verified by range (24 h)")).toBeVisible();
    await snap(page, testInfo, "protection");

    await page.getByRole("button", { name: `Lift block on range ${range}` }).click();
    await expect(page.getByRole("status").filter({ hasText: `Block on range ${range} lifted.` })).toBeVisible();
    expect((await request.post("/api/otp/send", { data: { phone, purpose: "Login" } })).status()).toBe(200);

    await page.getByLabel("Number or range", { exact: true }).fill("12345");
    await page.getByRole("button", { name: "Add" }).click();
    await expect(page.getByText(/Use \+ and 4 to 15 digits/)).toBeVisible();
    await page.getByLabel("Number or range", { exact: true }).fill(range);
    await page.getByRole("button", { name: "Add" }).click();
    const entry = page.getByRole("list", { name: "Safe List entries" }).getByRole("listitem").filter({ hasText: range });
    await expect(entry).toBeVisible();
    await page.getByRole("button", { name: `Remove ${range} from the Safe List` }).click();
    await expect(entry).toHaveCount(0);
  });
});

for (const javaScript of [false, true]) {
  test.describe(`admin Protection page ${javaScript ? "with" : "without"} JavaScript`, () => {
    test.use({ storageState: ADMIN_STORAGE_STATE, javaScriptEnabled: javaScript });

    /** The statuses the edit route answered: 303 for a plain form post, 200 for the page's own fetch. */
    function editAnswers(page: Page): number[] {
      const statuses: number[] = [];
      page.on("response", (r) => r.url().endsWith("/admin/protection/edit") && statuses.push(r.status()));
      return statuses;
    }

    test("adds and removes a Safe List entry, blocks and lifts by hand, switches the mode: each said, shown and in the audit log", async ({ page }, testInfo) => {
      test.setTimeout(90_000); // two axe scans and a dozen round trips on a shared machine
      const [safe, blocked] = [uniquePhone().slice(0, -4), uniquePhone().slice(0, -4)];
      const answers = editAnswers(page);
      await page.goto("/admin/protection");
      await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
      const status = page.getByRole("status").filter({ hasText: /\S/ });
      const newestChange = page.getByRole("list", { name: "Recent changes (audit log)" }).getByRole("listitem").first();
      const safeList = page.getByRole("list", { name: "Safe List entries" }).getByRole("listitem").filter({ hasText: safe });

      await page.getByLabel("Number or range", { exact: true }).fill("12345");
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await expect(page.locator("#safe-value-message")).toContainText("Use + and 4 to 15 digits");
      await expect(page.getByLabel("Number or range", { exact: true })).toHaveValue("12345"); // kept across the 303

      await page.getByLabel("Number or range", { exact: true }).fill(safe);
      await page.locator("#safe-note").fill("reviewer");
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await expect(status).toHaveText(`Added ${safe} to the Safe List.`);
      await expect(safeList).toContainText("reviewer");
      await expect(newestChange).toContainText(`${ADMIN_PHONE}Safe List: added ${safe} (reviewer)`);
      // axe runs in the page, so it scans the JavaScript run (the same server-rendered markup, hydrated).
      for (const scheme of ["dark", "light"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        if (javaScript) await expectNoSeriousA11yViolations(page, `Protection (${scheme})`);
        await snap(page, testInfo, `protection-${javaScript ? "js" : "no-js"}-${scheme}`);
      }

      await page.getByRole("button", { name: `Remove ${safe} from the Safe List` }).click();
      await expect(status).toHaveText("Removed from the Safe List.");
      await expect(safeList).toHaveCount(0);
      await expect(newestChange).toContainText(`Safe List: removed ${safe}`);

      await page.getByLabel("Range, number or country code").fill(blocked);
      await page.locator("#block-note").fill("pumping");
      await page.getByRole("button", { name: "Block", exact: true }).click();
      await expect(status).toHaveText(`Blocked range ${blocked}.`);
      await expect(page.getByRole("table", { name: "Active blocks" }).getByRole("row").filter({ hasText: `range ${blocked}` })).toContainText("Manual: pumping");
      await expect(newestChange).toContainText(`${ADMIN_PHONE}Blocked range ${blocked} for 60 min (pumping)`);
      await page.getByRole("button", { name: `Lift block on range ${blocked}` }).click();
      await expect(status).toHaveText(`Block on range ${blocked} lifted.`);
      await expect(page.getByRole("table", { name: "Past blocks" }).getByRole("row").filter({ hasText: `range ${blocked}` })).toContainText("lifted");
      await expect(newestChange).toContainText(`Lifted the block on range ${blocked}`);

      await expect(page.getByTestId("guard-mode")).toHaveText("monitor");
      await page.getByRole("button", { name: "Enforce" }).click();
      await expect(status).toHaveText("Guard switched to enforce.");
      await expect(page.getByTestId("guard-mode")).toHaveText("enforce");
      await expect(newestChange).toContainText("Guard mode set to enforce");
      await page.getByRole("button", { name: "Monitor" }).click(); // back, for the rest of the suite
      await expect(page.getByTestId("guard-mode")).toHaveText("monitor");
      await expect(newestChange).toContainText("Guard mode set to monitor (was enforce)");

      expect(answers).toEqual(Array(7).fill(javaScript ? 200 : 303).map((s, i) => (i === 0 && javaScript ? 400 : s)));
      // With JavaScript no change reloads the page; without, each one is a new document.
      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument ?? false)).toBe(javaScript);
    });
  });
}

test("a signed-out form post to the Protection page changes nothing and is sent to the login page with 303, not re-posted", async ({ request, baseURL }) => {
  const res = await request.post("/admin/protection/edit", { form: { intent: "mode", mode: "off" }, headers: { origin: baseURL! }, maxRedirects: 0 });
  expect(res.status()).toBe(303);
  expect(res.headers()["location"]).toMatch(/\/login\?callbackUrl=%2Fadmin%2Fprotection%2Fedit$/);
});
