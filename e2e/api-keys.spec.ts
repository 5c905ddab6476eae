import { request as playwrightRequest } from "@playwright/test";
import { ADMIN_STORAGE_STATE, expect, test, uniquePhone } from "./fixtures";

/** A send from a back end: no cookies, only the key. */
async function sendWithKey(baseURL: string, key: string) {
  const api = await playwrightRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const res = await api.post("/api/otp/send", { data: { phone: uniquePhone(), purpose: "Login" }, headers: { Authorization: `Bearer ${key}` } });
  const status = res.status();
  await api.dispose();
  return status;
}

test.describe("admin API keys page", () => {
  test.use({ storageState: ADMIN_STORAGE_STATE });

  for (const javaScriptEnabled of [true, false]) {
    test(`creates a key shown once, shows its last use and revokes it${javaScriptEnabled ? "" : " (before JavaScript)"}`, async ({ browser, baseURL }, testInfo) => {
      const context = await browser.newContext({ storageState: ADMIN_STORAGE_STATE, javaScriptEnabled });
      const page = await context.newPage();
      const name = `Backend ${javaScriptEnabled ? "js" : "nojs"} ${Date.now()}`;
      await page.goto("/admin/api-keys");
      await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();
      await page.getByLabel("Name").fill(name);
      await page.getByRole("button", { name: "Create key" }).click();
      const shown = page.getByTestId("new-api-key");
      await expect(shown).toBeVisible();
      const key = (await shown.textContent())!;
      expect(key).toMatch(/^potp_/);
      if (javaScriptEnabled) await testInfo.attach("api keys page", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

      expect(await sendWithKey(baseURL!, key)).toBe(200);
      await page.goto("/admin/api-keys");
      await expect(page.getByTestId("new-api-key")).toHaveCount(0); // shown once
      expect(await page.content()).not.toContain(key);
      const row = page.getByTestId("api-key-row").filter({ hasText: name });
      await expect(row).not.toContainText("never");
      await row.getByRole("button", { name: "Revoke" }).click();
      await expect(row).toContainText("Revoked");
      expect(await sendWithKey(baseURL!, key)).toBe(401);
      await context.close();
    });
  }
});
