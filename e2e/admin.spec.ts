import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { request as playwrightRequest } from "@playwright/test";
import { ADMIN_STORAGE_STATE, expect, loginAs, test, uniquePhone } from "./fixtures";

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
    await expect(page.getByRole("cell", { name: "No verifications match these filters." })).toBeVisible();
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
    await expect(page.getByText("Codes sent", { exact: true })).toBeVisible();
    await expect(page.getByText("Live · updates every 15 s · times in UTC")).toBeVisible();
    await expect(page.locator(".recharts-surface").first()).toBeVisible();
    await testInfo.attach("admin overview", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    await page.getByRole("button", { name: "7 days" }).click();
    await expect(page).toHaveURL(/period=7d/);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  });

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
