// Content Security Policy: every page runs its scripts through a per-response nonce ('strict-dynamic',
// no 'unsafe-inline'), hydrates under it without a single violation, and an injected script is blocked.
import { test as base, type Page, type Response } from "@playwright/test";
import { ADMIN_STORAGE_STATE, expect, loginAs, test, uniquePhone, watchViolations } from "./fixtures";

function scriptSrc(response: Response | null): string {
  const policy = response?.headers()["content-security-policy"] ?? "";
  return policy.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src ")) ?? "";
}

/** Hydrated: React has attached its fiber to the body (server HTML alone has none). */
async function expectHydrated(page: Page) {
  await expect.poll(() => page.evaluate(() => Object.keys(document.body).some((k) => k.startsWith("__reactFiber$"))), { message: "React hydrated the page" }).toBe(true);
}

async function expectStrictPageUnderPolicy(page: Page, path: string, status: number) {
  const watch = await watchViolations(page);
  const res = await page.goto(path);
  expect({ path, status: res?.status() }).toEqual({ path, status });
  const policy = scriptSrc(res);
  expect(policy, path).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'$/);
  expect(policy, path).not.toContain("unsafe-inline");
  expect(policy, path).not.toContain("unsafe-eval");
  await expectHydrated(page);
  await page.waitForLoadState("networkidle");
  expect(await watch.violations(), `${path}: securitypolicyviolation events`).toEqual([]);
  expect(watch.console, `${path}: CSP console messages`).toEqual([]);
}

test("the public pages and the 404 hydrate under a nonce-only script policy with no violation", async ({ page }) => {
  for (const [path, status] of [["/", 200], ["/login", 200], ["/dev/inbox", 200], ["/no-such-page", 404]] as const) {
    await expectStrictPageUnderPolicy(page, path, status);
  }
});

test("a signed-in non-admin's account page and the admin 403 hydrate with no violation", async ({ page }) => {
  await loginAs(page, uniquePhone());
  await expectStrictPageUnderPolicy(page, "/account", 200);
  await expectStrictPageUnderPolicy(page, "/admin", 403);
});

test.describe("as an admin", () => {
  test.use({ storageState: ADMIN_STORAGE_STATE });

  test("every admin page hydrates under the nonce policy with no violation", async ({ page, request }) => {
    const send = await request.post("/api/otp/send", { data: { phone: uniquePhone(), purpose: "Login" } });
    const { verificationId } = (await send.json()) as { verificationId: string };
    for (const path of ["/account", "/admin", "/admin/verifications", `/admin/verifications/${verificationId}`, "/admin/users"]) {
      await expectStrictPageUnderPolicy(page, path, 200);
    }
  });
});

test("each page response gets its own nonce, and the scripts Next renders carry it", async ({ request }) => {
  const [a, b] = [await request.get("/login"), await request.get("/login")];
  const nonceOf = (policy: string) => /'nonce-([^']+)'/.exec(policy)?.[1];
  const [nonceA, nonceB] = [nonceOf(a.headers()["content-security-policy"]), nonceOf(b.headers()["content-security-policy"])];
  expect(nonceA).toBeTruthy();
  expect(nonceA).not.toBe(nonceB);
  const scripts = (await a.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.filter((tag) => !tag.includes(`nonce="${nonceA}"`))).toEqual([]);
});

// The plain Playwright test: the browser's console report of the blocked scripts is the point here.
base("markup injected into a page cannot run script: inline scripts and handlers are blocked and reported", async ({ page }) => {
  // A reflected-XSS stand-in: the server's own response (headers included) with attacker markup in it.
  await page.route("**/login", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace("</body>", '<script>window.__injected = true</script><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onload="window.__handler = true" alt=""></body>');
    await route.fulfill({ response, body });
  });
  const watch = await watchViolations(page);
  await page.goto("/login");
  await expectHydrated(page);
  await expect.poll(async () => (await watch.violations()).length).toBe(2);
  expect((await watch.violations()).map((v) => v.split(" ")[0]).sort()).toEqual(["script-src-attr", "script-src-elem"]);
  expect(await page.evaluate(() => [(window as { __injected?: boolean }).__injected, (window as { __handler?: boolean }).__handler])).toEqual([undefined, undefined]);
  expect(watch.console.length).toBe(2);
});

test("API responses stay outside the page proxy: a fixed deny-all policy, no nonce", async ({ request }) => {
  for (const path of ["/api/health", "/api/openapi.json", "/api/auth/csrf", "/api/no-such-route"]) {
    const res = await request.get(path);
    expect({ path, policy: res.headers()["content-security-policy"] }).toEqual({ path, policy: "default-src 'none'; frame-ancestors 'none'" });
  }
});
