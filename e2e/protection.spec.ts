import type { Page, TestInfo } from "@playwright/test";
import { CHALLENGE_BASE_URL } from "../playwright.config";
import { ADMIN_STORAGE_STATE, expect, nationalDigits, readCodeFromOutbox, test, uniquePhone } from "./fixtures";

async function snap(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

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
    await expect(page.getByRole("status").filter({ hasText: "Block created." })).toBeVisible();
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
    await expect(page.getByRole("status").filter({ hasText: "Block lifted." })).toBeVisible();
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
