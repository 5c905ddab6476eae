/**
 * Issue 16: the dashboard stays English, but its dates follow the browser's locale and time zone —
 * in the server's HTML already (Accept-Language and the `tz` cookie), without a hydration mismatch,
 * and corrected in the browser where the server could not know the zone.
 */
import type { APIRequestContext, Browser, BrowserContext, Locator, Page, TestInfo } from "@playwright/test";
import { ADMIN_PHONE, ADMIN_STORAGE_STATE, expect, snap, test, uniquePhone } from "./fixtures";

const READERS = [
  { locale: "fr-FR", timezoneId: "Asia/Tokyo", label: "fr-tokyo" },
  { locale: "en-US", timezoneId: "America/New_York", label: "us-new-york" },
] as const;
type ReaderCase = (typeof READERS)[number];

// ICU builds differ on the space before AM/PM (U+0020 or U+202F); the rest must match.
const plain = (text: string | null) => (text ?? "").replace(/[\u202f\u00a0]/g, " ").trim();

/** What the browser's locale and zone make of `iso` (dates with seconds, as the dashboard shows them). */
function expected(iso: string, reader: ReaderCase, { seconds = true } = {}) {
  return new Intl.DateTimeFormat(reader.locale, { dateStyle: "medium", timeStyle: seconds ? "medium" : "short", timeZone: reader.timezoneId, numberingSystem: "latn" }).format(new Date(iso));
}

async function expectLocalTime(time: Locator, reader: ReaderCase, opts: { seconds?: boolean } = {}) {
  await expect(time).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  const iso = (await time.getAttribute("datetime"))!;
  await expect.poll(async () => plain(await time.textContent()), { message: `time ${iso} for ${reader.label}` }).toBe(plain(expected(iso, reader, opts)));
  // The UTC value stays one hover away.
  await expect(time).toHaveAttribute("title", `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`);
  return iso;
}

/** An admin context in the reader's locale and zone; `zoneCookie`: the `tz` cookie the login form leaves. */
async function readerContext(browser: Browser, testInfo: TestInfo, reader: ReaderCase, opts: { javaScriptEnabled?: boolean; zoneCookie?: boolean } = {}) {
  const context = await browser.newContext({ ...testInfo.project.use, storageState: ADMIN_STORAGE_STATE, locale: reader.locale, timezoneId: reader.timezoneId, javaScriptEnabled: opts.javaScriptEnabled ?? true });
  if (opts.zoneCookie) await context.addCookies([{ name: "tz", value: encodeURIComponent(reader.timezoneId), url: testInfo.project.use.baseURL! }]);
  return context;
}

/** Every console error and uncaught exception of the context's pages (a hydration mismatch is one). */
function collectErrors(context: BrowserContext) {
  const errors: string[] = [];
  context.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  context.on("weberror", (error) => errors.push(`uncaught: ${error.error().message}`));
  return errors;
}

type Seed = { phone: string; verificationId: string; keyName: string; webhookUrl: string; webhookId: string };

/** One code sent, one API key and one webhook endpoint, through the public and admin APIs. */
async function seed(api: APIRequestContext): Promise<Seed> {
  const phone = uniquePhone();
  const sent = await api.post("/api/otp/send", { data: { phone, purpose: "Login" } });
  expect(sent.ok(), await sent.text()).toBe(true);
  const listed = await api.get(`/api/admin/verifications?phone=${encodeURIComponent(phone)}`);
  const { items } = (await listed.json()) as { items: { id: string }[] };
  const keyName = `Dates ${Date.now()}`;
  const key = await api.post("/api/admin/api-keys", { data: { name: keyName, scopes: ["otp:send"] } });
  expect(key.status(), await key.text()).toBe(201);
  // Nobody listens there (port 9, discard): deliveries fail, which no date here depends on.
  const webhookUrl = `http://127.0.0.1:9/dates/${Date.now()}`;
  const hook = await api.post("/api/admin/webhooks", { data: { url: webhookUrl, events: ["verification.sent"] } });
  expect(hook.status(), await hook.text()).toBe(201);
  const { id: webhookId } = (await hook.json()) as { id: string };
  return { phone, verificationId: items[0].id, keyName, webhookUrl, webhookId };
}

/** The server-rendered admin pages, each with the first date to check. */
function serverPages(data: Seed): { path: string; time: (page: Page) => Locator }[] {
  return [
    { path: "/admin/api-keys", time: (page) => page.getByTestId("api-key-row").filter({ hasText: data.keyName }).locator("time").first() },
    { path: "/admin/webhooks", time: (page) => page.getByTestId("webhook-row").filter({ hasText: data.webhookUrl }).locator("time").first() },
    { path: `/admin/webhooks/${data.webhookId}`, time: (page) => page.locator("dl time").first() },
    { path: `/admin/verifications/${encodeURIComponent(data.verificationId)}`, time: (page) => page.locator("ol time").first() },
  ];
}

test.describe("admin dates in the browser's locale and time zone", () => {
  test.describe.configure({ timeout: 90_000 });
  let data: Seed;
  test.beforeAll(async ({ playwright }, testInfo) => {
    const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL, storageState: ADMIN_STORAGE_STATE });
    data = await seed(api);
    await api.dispose();
  });

  for (const reader of READERS) {
    test(`${reader.locale} in ${reader.timezoneId}: the server's HTML, the hydrated pages and the browser-loaded tables agree`, async ({ browser }, testInfo) => {
      // Before any script: the server formats for Accept-Language and the tz cookie.
      const noScript = await readerContext(browser, testInfo, reader, { javaScriptEnabled: false, zoneCookie: true });
      const plainPage = await noScript.newPage();
      for (const { path, time } of serverPages(data)) {
        await plainPage.goto(path);
        await expectLocalTime(time(plainPage), reader);
        await expect(time(plainPage), path).toHaveAttribute("lang", reader.locale);
      }
      await noScript.close();

      // With JavaScript: the same text, no hydration error, and the tables the browser loads itself.
      const context = await readerContext(browser, testInfo, reader, { zoneCookie: true });
      const errors = collectErrors(context);
      const page = await context.newPage();
      for (const { path, time } of serverPages(data)) {
        await page.goto(path);
        await page.waitForLoadState("networkidle");
        await expectLocalTime(time(page), reader);
        await snap(page, testInfo, `${reader.label}${path.replace(/[/%]+/g, "-")}`);
      }
      await page.goto(`/admin/verifications?phone=${encodeURIComponent(data.phone)}`);
      const row = page.getByRole("row").filter({ hasText: data.phone });
      const sentAt = await expectLocalTime(row.locator("time"), reader);
      expect(plain(await row.getByRole("link").first().getAttribute("aria-label"))).toBe(`Details of the code sent to ${data.phone} at ${plain(expected(sentAt, reader))}`);
      await snap(page, testInfo, `${reader.label}-verifications`);
      await page.goto("/admin/users");
      await page.getByLabel("Search by phone").fill(ADMIN_PHONE);
      const admin = page.locator(`tr[data-user-phone="${ADMIN_PHONE}"]`);
      await expectLocalTime(admin.locator("time").first(), reader, { seconds: false });
      await snap(page, testInfo, `${reader.label}-users`);
      // The overview's hours are the browser's; its day buckets stay UTC days and say so.
      await page.goto("/admin");
      await expect(page.getByText(`Live · updates every 15 s · times in ${reader.timezoneId}`)).toBeVisible();
      await page.getByText("Show the figures as a table").click();
      const hour = page.getByRole("table", { name: "Codes per hour" }).locator("tbody time").first();
      await expectHour(hour, reader);
      await snap(page, testInfo, `${reader.label}-overview`);
      expect(errors, "console errors (a hydration mismatch logs one)").toEqual([]);
      await context.close();
    });
  }

  test("without the tz cookie the server says UTC, the browser shows its own zone and remembers it for the next page", async ({ browser }, testInfo) => {
    const reader = READERS[0];
    const context = await readerContext(browser, testInfo, reader);
    const errors = collectErrors(context);
    const page = await context.newPage();
    const html = await (await page.request.get("/admin/api-keys")).text();
    expect(html).toMatch(/<time[^>]*>[^<]* UTC<\/time>/); // labelled, never a wrong zone passed off as local
    await page.goto("/admin/api-keys");
    await expectLocalTime(page.getByTestId("api-key-row").filter({ hasText: data.keyName }).locator("time").first(), reader);
    await expect.poll(async () => (await context.cookies()).find((c) => c.name === "tz")?.value).toBe(encodeURIComponent(reader.timezoneId));
    expect(errors).toEqual([]);
    // The next page's HTML, before any script, is in the remembered zone.
    const noScript = await readerContext(browser, testInfo, reader, { javaScriptEnabled: false });
    await noScript.addCookies((await context.cookies()).filter((c) => c.name === "tz"));
    const plainPage = await noScript.newPage();
    await plainPage.goto("/admin/api-keys");
    await expectLocalTime(plainPage.getByTestId("api-key-row").filter({ hasText: data.keyName }).locator("time").first(), reader);
    await noScript.close();
    await context.close();
  });
});

/** An hour bucket of the overview's table, in the browser's zone ("2 déc. 2026, 13:00"). */
async function expectHour(time: Locator, reader: ReaderCase) {
  const iso = (await time.getAttribute("datetime"))!;
  await expect.poll(async () => plain(await time.textContent())).toBe(plain(expected(iso, reader, { seconds: false })));
}
