import { expect, test } from "./fixtures";

test("the home page speaks to people signing in: login is the call to action, admin a footer link @mobile", async ({ page }, testInfo) => {
  const scripts: string[] = [];
  page.on("request", (r) => void (r.resourceType() === "script" && scripts.push(new URL(r.url()).pathname)));
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in with your phone number");
  await expect(page.getByRole("main").getByRole("link").first()).toHaveText("Log in with your phone");
  await expect(page.getByRole("link", { name: "Log in with your phone" })).toHaveAttribute("href", "/login");
  await expect(page.getByRole("navigation", { name: "For operators" }).getByRole("link", { name: "Admin dashboard" })).toHaveAttribute("href", "/admin");
  await page.waitForLoadState("networkidle");
  // Only the framework's own chunks, as the 404 page loads them: the page has no client code of its
  // own (and prefetches nothing). (/login, the baseline before, runs outside the App Router now.)
  const notFound = await page.request.get("/no-such-page");
  const frameworkScripts = [...(await notFound.text()).matchAll(/src="(\/_next\/static\/chunks\/[^"]+\.js)"/g)].map((m) => m[1]);
  expect(frameworkScripts.length).toBeGreaterThan(0);
  expect(scripts.filter((s) => !frameworkScripts.includes(s))).toEqual([]);
  await testInfo.attach("home", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
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

test("sends HSTS only for requests that came over HTTPS, whatever the header's case or proxy chain", async ({ request }) => {
  for (const proto of ["https", "HTTPS", "https,http", "https, http"]) {
    const res = await request.get("/api/health", { headers: { "x-forwarded-proto": proto } });
    expect(res.headers()["strict-transport-security"], proto).toBe("max-age=63072000; includeSubDomains");
  }
  for (const proto of [undefined, "http", "http,https"]) {
    const res = await request.get("/api/health", { headers: proto ? { "x-forwarded-proto": proto } : {} });
    expect(res.headers()["strict-transport-security"], String(proto)).toBeUndefined();
  }
});

test("an unknown address gets a styled 404 page that leads home and to the login", async ({ page }, testInfo) => {
  const res = await page.goto("/no-such-page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "We can't find this page" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "Home", exact: true })).toHaveAttribute("href", "/");
  await expect(page.getByRole("main").getByRole("link", { name: "Log in", exact: true })).toHaveAttribute("href", "/login");
  await testInfo.attach("404", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
});

test("every page names an app icon that exists, so the browser never asks for a missing favicon", async ({ page, request }) => {
  const missing: string[] = [];
  page.on("response", (r) => void (r.status() >= 400 && missing.push(`${r.status()} ${r.url()}`)));
  await page.goto("/");
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toMatch(/^\/icon\.svg/);
  const icon = await request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  await page.waitForLoadState("networkidle");
  expect(missing).toEqual([]);
});
