import { expect, test } from "@playwright/test";

test("the home page says what the app is and links to login and admin", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Phone one-time-password");
  await expect(page.getByRole("link", { name: /log in/i })).toHaveAttribute("href", "/login");
  await expect(page.getByRole("link", { name: /admin/i })).toHaveAttribute("href", "/admin");
});

test("health reports the database and every response carries the security headers", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: "ok", db: "ok" });
  const headers = res.headers();
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
});
