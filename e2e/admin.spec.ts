import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { request as playwrightRequest } from "@playwright/test";
import type { Page } from "@playwright/test";
import { ADMIN_PHONE, ADMIN_STORAGE_STATE, expect, loginAs, test, uniquePhone } from "./fixtures";

const ADMIN_API = [
  ["GET", "/api/admin/verifications"],
  ["GET", "/api/admin/verifications/anything"],
  ["GET", "/api/admin/verifications.csv"],
  ["GET", "/api/admin/stats"],
  ["GET", "/api/admin/users"],
  ["PATCH", "/api/admin/users/anything"],
] as const;

/** Asks for a Login code for `phone` through the public API, as the app's users do. */
async function sendCode(baseURL: string, phone: string) {
  const api = await playwrightRequest.newContext({ baseURL });
  const res = await api.post("/api/otp/send", { data: { phone, purpose: "Login" } });
  expect(res.ok(), await res.text()).toBe(true);
  await api.dispose();
}

/** The id of the newest verification of `phone`, read through the admin API with the page's session. */
async function verificationIdOf(page: Page, phone: string): Promise<string> {
  const res = await page.request.get(`/api/admin/verifications?phone=${encodeURIComponent(phone)}`);
  expect(res.ok(), await res.text()).toBe(true);
  const { items } = (await res.json()) as { items: { id: string }[] };
  expect(items.length).toBeGreaterThan(0);
  return items[0].id;
}

/** The page is no wider than the viewport: nothing makes the phone scroll sideways. */
async function expectNoHorizontalOverflow(page: Page) {
  const size = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  expect(size.scrollWidth, `page width at a ${size.viewport} px viewport`).toBeLessThanOrEqual(size.viewport);
}

/** A stats answer with a partial first day, for chart tests that must not depend on the data in the database. */
function stubbedStats() {
  const series = ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"].map((day, i) => ({
    t: `${day}T00:00:00Z`,
    sent: i === 0 ? 3 : 600 + i,
    verified: i === 0 ? 2 : 450 + i,
    failed: i === 0 ? 0 : 50,
  }));
  return {
    from: "2026-11-22T21:30:00Z",
    to: "2026-11-29T21:30:00Z",
    bucket: "day",
    sent: 4000,
    verified: 3000,
    conversionPct: 75,
    smsFailed: 350,
    smsFailurePct: 8.8,
    locked: 10,
    rateLimited: 4,
    series,
  };
}

test.describe("admin dashboard", () => {
  test.use({ storageState: ADMIN_STORAGE_STATE });

  test("shows a code sent a moment ago with its SMS result, filters it, opens its timeline and exports it as CSV", async ({ page, baseURL }) => {
    const phone = uniquePhone();
    await sendCode(baseURL!, phone);

    await page.goto("/admin/verifications");
    await expect(page.getByRole("heading", { level: 1, name: "Verifications" })).toBeVisible();
    await page.getByLabel("Phone", { exact: true }).fill(phone);
    await page.getByLabel("Phone", { exact: true }).press("Enter");
    await expect(page).toHaveURL(new RegExp(`phone=${encodeURIComponent(phone).replace(/\+/g, "\\+")}`));
    const row = page.getByRole("row").filter({ hasText: phone });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("console"); // the SMS provider…
    await expect(row).toContainText("sent"); // …and its answer
    await expect(row).toContainText("pending");
    await expect(row).toContainText("0 / 5");

    await page.getByLabel("Status", { exact: true }).selectOption("pending");
    await expect(page).toHaveURL(/status=pending/);
    await expect(page.getByRole("row").filter({ hasText: phone })).toHaveCount(1);
    await page.getByLabel("Status", { exact: true }).selectOption("verified");
    await expect(page.getByText("No verifications match these filters.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Clear filters" }).last()).toBeVisible();
    await page.getByLabel("Status", { exact: true }).selectOption("pending");
    await expect(page.getByRole("row").filter({ hasText: phone })).toHaveCount(1);
    await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", /status=pending/);

    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const csv = readFileSync(await (await download).path(), "utf8").trim().split("\r\n");
    expect(csv[0]).toMatch(/^id,created_at,phone,country,purpose,status,/);
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(`,${phone},TZ,Login,pending,0,5,`);
    expect(csv.join("\n")).not.toMatch(/hash/i);

    await page.getByRole("row").filter({ hasText: phone }).getByRole("link", { name: /Details/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Verification" })).toBeVisible();
    await expect(page.getByText("Code requested for Login")).toBeVisible();
    await expect(page.getByText(/SMS via console \(attempt 1\): sent/)).toBeVisible();
  });

  test("the overview has cards, a chart and no serious accessibility violations @mobile", async ({ page }, testInfo) => {
    await page.goto("/admin");
    // The header says who is signed in and offers to sign out.
    await expect(page.getByRole("banner")).toContainText(ADMIN_PHONE);
    await expect(page.getByRole("banner").getByRole("button", { name: "Sign out" })).toBeVisible();
    await expect(page.getByText("Codes sent", { exact: true })).toBeVisible();
    await expect(page.getByText(/^Live · updates every 15 s · times in /)).toBeVisible(); // the browser's zone (e2e/admin-dates.spec.ts)
    await expect(page.locator(".recharts-surface").first()).toBeVisible();
    await testInfo.attach("admin overview", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    await page.getByRole("button", { name: "7 days" }).click();
    await expect(page).toHaveURL(/period=7d/);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  });

  test("the detail page of a code fits a phone screen, with the way back at the top @mobile", async ({ page, baseURL, isMobile }, testInfo) => {
    const phone = uniquePhone();
    await sendCode(baseURL!, phone);
    const id = await verificationIdOf(page, phone);
    await page.goto(`/admin/verifications/${encodeURIComponent(id)}`);
    await expect(page.getByRole("heading", { level: 1, name: "Verification" })).toBeVisible();
    await expect(page.getByText(/SMS via console \(attempt 1\): sent/)).toBeVisible();
    await expectNoHorizontalOverflow(page);
    // "← All verifications" comes before the title, not after the last panel.
    const back = page.getByRole("link", { name: "All verifications" });
    await expect(back).toBeVisible();
    const [backBox, titleBox] = [await back.boundingBox(), await page.getByRole("heading", { level: 1 }).boundingBox()];
    expect(backBox!.y).toBeLessThan(titleBox!.y);
    await testInfo.attach("detail", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    if (isMobile) {
      await page.setViewportSize({ width: 320, height: 720 });
      await expectNoHorizontalOverflow(page);
      await testInfo.attach("detail at 320 px", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    }
  });

  test("an unknown verification id shows a not-found state inside the dashboard, with a way back to the list", async ({ page }, testInfo) => {
    const res = await page.goto("/admin/verifications/no-such-code");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Verification not found" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Admin" })).toBeVisible();
    await testInfo.attach("detail 404", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    await page.getByRole("main").getByRole("link", { name: "All verifications" }).click();
    await expect(page).toHaveURL(/\/admin\/verifications$/);
    await expect(page.getByRole("heading", { level: 1, name: "Verifications" })).toBeVisible();
  });

  test("the overview shows skeletons while loading and an error panel with Retry when the stats fail", async ({ page }, testInfo) => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let fail = true;
    await page.route(/\/api\/admin\/stats\?/, async (route) => {
      await held;
      if (fail) await route.fulfill({ status: 503, json: { error: { code: "database_unavailable", message: "The database is not answering." } } });
      else await route.fulfill({ json: stubbedStats() });
    });
    await page.goto("/admin");
    const loading = page.getByRole("status", { name: "Loading the figures" });
    await expect(loading).toBeVisible();
    await expect(page.getByText("—", { exact: true })).toHaveCount(0); // no dashes that look like data
    await testInfo.attach("loading", { body: await page.screenshot(), contentType: "image/png" });
    release();
    const panel = page.getByRole("alert").filter({ hasText: "Couldn't load the figures" });
    await expect(panel).toContainText("The database is not answering.");
    await testInfo.attach("error", { body: await page.screenshot(), contentType: "image/png" });
    fail = false;
    await panel.getByRole("button", { name: "Retry" }).click();
    await expect(page.getByText("4,000", { exact: true })).toBeVisible();
    await expect(panel).toHaveCount(0);
  });

  test("the chart draws straight lines and leaves out the partial first bucket", async ({ page }, testInfo) => {
    await page.route(/\/api\/admin\/stats\?/, (route) => route.fulfill({ json: stubbedStats() }));
    await page.goto("/admin?period=7d");
    const line = page.locator(".recharts-line-curve").first();
    await expect(line).toBeVisible();
    expect(await line.getAttribute("d"), "a linear path has no Bézier segments").not.toMatch(/C/);
    // The days (UTC days, named in the browser's locale, en-US here), not the counts.
    const ticks = page.locator(".recharts-cartesian-axis-tick-value").filter({ hasText: /^[A-Z][a-z]{2} \d{1,2}$/ });
    await expect(ticks.first()).toHaveText("Nov 23"); // Nov 22 started before the period: not a full day
    await expect(ticks.filter({ hasText: "Nov 22" })).toHaveCount(0);
    await testInfo.attach("chart", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  });

  test("an invalid phone filter marks the field, offers to clear the filters and cannot be exported", async ({ page }, testInfo) => {
    await page.goto("/admin/verifications?phone=abc");
    const field = page.getByLabel("Phone", { exact: true });
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#filter-phone-error")).toHaveText("Use digits, optionally starting with +");
    await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("aria-disabled", "true");
    await expect(page.getByRole("link", { name: "Export CSV" })).not.toHaveAttribute("href", /./);
    await testInfo.attach("invalid filter", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    await page.getByRole("button", { name: "Clear filters" }).last().click();
    await expect(page).toHaveURL(/\/admin\/verifications$/);
    await expect(field).not.toHaveAttribute("aria-invalid", "true");
    await expect(field).toHaveValue("");
    await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", "/api/admin/verifications.csv");
  });

  test("role changes on the users page are found by phone and confirmed before they are made @mobile", async ({ page, browser, baseURL, isMobile }, testInfo) => {
    const phone = uniquePhone();
    const other = await browser.newContext({ baseURL });
    await loginAs(await other.newPage(), phone); // signing in creates the user
    await other.close();
    await page.goto("/admin/users");
    await page.getByRole("searchbox", { name: "Search by phone" }).fill(phone.slice(-7));
    const entry = page.locator(`[data-user-phone="${phone}"]:visible`);
    await expect(entry).toHaveCount(1);
    await expect(page.locator("[data-user-phone]:visible")).toHaveCount(1);
    if (isMobile) await expect(page.getByRole("table")).toBeHidden(); // cards on a phone
    await expectNoHorizontalOverflow(page);

    await entry.getByRole("button", { name: `Make admin: ${phone}` }).click();
    const confirm = entry.getByRole("button", { name: "Yes, make admin" });
    await expect(confirm).toBeFocused();
    await expect(entry).toContainText("User"); // nothing changed yet
    await testInfo.attach("confirm", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    await entry.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toHaveCount(0);
    await expect(entry.getByRole("button", { name: `Make admin: ${phone}` })).toBeFocused();
    const users = await page.request.get(`/api/admin/users?phone=${encodeURIComponent(phone)}`);
    expect((await users.json()).items[0].role).toBe("USER");

    await entry.getByRole("button", { name: `Make admin: ${phone}` }).click();
    await confirm.click();
    await expect(page.locator("#role-message")).toHaveText(`${phone} is now an admin.`);
    await expect(entry).toContainText("Admin");
    await entry.getByRole("button", { name: `Remove admin: ${phone}` }).click();
    await entry.getByRole("button", { name: "Yes, remove admin" }).click();
    await expect(page.locator("#role-message")).toHaveText(`${phone} is now a regular user.`);
  });

  test("9. a verification row is itself the link to its details, and nothing is cut off from 1024 to 1920 px", async ({ page, baseURL }, testInfo) => {
    const phone = uniquePhone();
    await sendCode(baseURL!, phone);
    for (const width of [1024, 1280, 1440, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/admin/verifications?phone=${encodeURIComponent(phone)}`);
      const row = page.getByRole("row").filter({ hasText: phone });
      await expect(row).toBeVisible();
      const scroller = await page.locator("table").evaluate((t) => ({ scroll: t.parentElement!.scrollWidth, client: t.parentElement!.clientWidth }));
      expect(scroller.scroll, `table scroller at ${width} px`).toBeLessThanOrEqual(scroller.client);
      await expectNoHorizontalOverflow(page);
      await testInfo.attach(`verifications-${width}`, { body: await page.screenshot(), contentType: "image/png" });
    }
    // A click anywhere on the row (here: its purpose cell) opens the details.
    // force: the row's stretched link lies over the cell (that is the point), which Playwright reads as "covered".
    await page.getByRole("row").filter({ hasText: phone }).getByRole("cell", { name: "Login" }).click({ force: true });
    await expect(page).toHaveURL(/\/admin\/verifications\/[^/?]+$/);
  });

  test("9. phone search understands national input on verifications and users", async ({ page, browser, baseURL }) => {
    const phone = uniquePhone();
    const other = await browser.newContext({ baseURL });
    await loginAs(await other.newPage(), phone);
    await other.close();
    const national = `0${phone.slice(4)}`;
    const verifications = await (await page.request.get(`/api/admin/verifications?phone=${national}`)).json();
    expect(verifications.items.map((i: { phone: string }) => i.phone)).toContain(phone);
    const users = await (await page.request.get(`/api/admin/users?phone=${national.slice(0, 8)}`)).json();
    expect(users.items.map((i: { phone: string }) => i.phone)).toContain(phone);
    await page.goto(`/admin/verifications?phone=${national}`);
    await expect(page.getByRole("row").filter({ hasText: phone }).first()).toBeVisible();
  });

  test("9. a reversed date range says so instead of showing no rows", async ({ page }, testInfo) => {
    await page.goto("/admin/verifications?from=2026-12-02&to=2026-11-01");
    await expect(page.locator("#filter-from-error")).toHaveText("'From' is after 'To': swap the dates");
    await expect(page.locator("#filter-from")).toHaveAttribute("aria-invalid", "true");
    await testInfo.attach("reversed range", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  });

  test("9. the chart has a data table, a named keyboard legend and a tooltip that follows dark mode", async ({ page }, testInfo) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.route(/\/api\/admin\/stats\?/, (route) => route.fulfill({ json: stubbedStats() }));
    await page.goto("/admin?period=7d");
    const legend = page.getByRole("list", { name: "Chart legend: show or hide a line" });
    const sent = legend.getByRole("button", { name: "Sent" });
    await sent.focus();
    await expect(sent).toBeFocused();
    await expect(sent).toHaveAttribute("aria-pressed", "true");
    await page.keyboard.press("Enter");
    await expect(sent).toHaveAttribute("aria-pressed", "false");
    await page.keyboard.press("Enter");
    await page.getByText("Show the figures as a table").click();
    const table = page.getByRole("table", { name: /Codes per day/ });
    await expect(table.getByRole("row")).toHaveCount(8); // header + 7 whole days
    await expect(table.getByRole("row").nth(1)).toContainText("Nov 23, 2026"); // the UTC day, in the browser's locale (en-US)
    const chart = page.locator(".recharts-surface").first();
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator(".recharts-tooltip-wrapper div").first();
    await expect(tooltip).toBeVisible();
    const background = await tooltip.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background, "tooltip background in dark mode").not.toBe("rgb(255, 255, 255)");
    await testInfo.attach("chart dark", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`every admin page has no serious accessibility violations (${scheme})`, async ({ page, baseURL }) => {
      test.setTimeout(90_000); // four pages, four axe scans
      await page.emulateMedia({ colorScheme: scheme });
      const phone = uniquePhone();
      await sendCode(baseURL!, phone);
      const id = await verificationIdOf(page, phone);
      for (const path of ["/admin", "/admin/verifications", "/admin/users", `/admin/verifications/${id}`]) {
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await page.waitForLoadState("networkidle");
        const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
        const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        expect(serious.map((v) => `${path} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      }
    });
  }

  test("the verifications and users pages have no serious accessibility violations", async ({ page }) => {
    for (const path of ["/admin/verifications", "/admin/users"]) {
      await page.goto(path);
      await expect(page.getByRole("table")).toBeVisible();
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious.map((v) => `${path} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    }
  });
});

test("a signed-in non-admin sees 403 on the admin pages and gets 403 from every admin API route", async ({ page }) => {
  await loginAs(page, uniquePhone());
  for (const path of ["/admin", "/admin/verifications", "/admin/users", "/admin/verifications/anything"]) {
    const res = await page.goto(path);
    expect({ path, status: res?.status() }).toEqual({ path, status: 403 });
    await expect(page.getByText("Error 403")).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
  }
  for (const [method, path] of ADMIN_API) {
    const res = await page.request.fetch(path, { method, data: method === "PATCH" ? { role: "ADMIN" } : undefined });
    expect({ path, status: res.status() }).toEqual({ path, status: 403 });
  }
});

test("an unauthenticated request gets 401 from every admin API route", async ({ baseURL }) => {
  const api = await playwrightRequest.newContext({ baseURL });
  for (const [method, path] of ADMIN_API) {
    const res = await api.fetch(path, { method, data: method === "PATCH" ? { role: "ADMIN" } : undefined });
    expect({ path, status: res.status() }).toEqual({ path, status: 401 });
    expect((await res.json()).error.code).toBe("unauthorized");
  }
  await api.dispose();
});
