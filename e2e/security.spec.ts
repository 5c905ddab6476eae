/**
 * Issue 12, black-box against the production build: admin data never reaches a non-admin or an
 * anonymous visitor in any response form; sessions end on the server; the auth routes are bounded
 * and never answer 500 to malformed input.
 */
import { request as playwrightRequest, type APIRequestContext, type Browser } from "@playwright/test";
import { ADMIN_PHONE, ADMIN_STORAGE_STATE, expect, loginAs, readCodeFromOutbox, test, uniquePhone } from "./fixtures";

/** A user agent only the admin's own verification carries: finding it in a body is a leak. */
const ADMIN_UA = "AdminOnlyAgent/12.0 (leak-canary-7f3a)";
/** The admin's verification was requested from the test runner's own address. */
const ADMIN_IP = "127.0.0.1";

const ADMIN_PAGES = (id: string) => ["/admin", "/admin/verifications", `/admin/verifications/${id}`, "/admin/users", "/admin/webhooks"];
const ADMIN_API = (id: string, userId: string) =>
  [
    ["GET", "/api/admin/verifications"],
    ["GET", `/api/admin/verifications/${id}`],
    ["GET", "/api/admin/verifications.csv"],
    ["GET", "/api/admin/stats"],
    ["GET", "/api/admin/users"],
    ["PATCH", `/api/admin/users/${userId}`],
    ["DELETE", `/api/admin/users/${userId}/sessions`],
    ["POST", "/api/admin/sms/poll"],
    ["GET", "/api/admin/webhooks"],
    ["POST", "/api/admin/webhooks"],
  ] as const;
/** The three ways a page is fetched: the document, a client navigation (RSC: 1), and `?_rsc=`. */
const VARIANTS = [
  ["document", "", { accept: "text/html" }],
  ["RSC: 1 header", "", { RSC: "1" }],
  ["?_rsc= query", "?_rsc=leak1", {}],
  ["?_rsc= with RSC: 1", "?_rsc=leak2", { RSC: "1" }],
] as const;

/**
 * Sends a Registration code to the admin's phone with ADMIN_UA and verifies it (an unverified send
 * would count against the phone's hourly limit and lock the admin out of later specs). Answers the
 * verification's id and the admin's user id. Made once per run of this file.
 */
let canary: Promise<{ id: string; userId: string }> | undefined;
function adminVerification(baseURL: string): Promise<{ id: string; userId: string }> {
  canary ??= (async () => {
    const admin = await playwrightRequest.newContext({ baseURL, storageState: ADMIN_STORAGE_STATE });
    const anon = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { "user-agent": ADMIN_UA } });
    const after = Date.now();
    for (let attempt = 0; ; attempt++) {
      const res = await anon.post("/api/otp/send", { data: { phone: ADMIN_PHONE, purpose: "Registration" } });
      if (res.ok()) break;
      expect(res.status(), await res.text()).toBe(429);
      expect(attempt).toBeLessThan(3);
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers()["retry-after"] ?? "5") * 1000 + 200));
    }
    const code = await readCodeFromOutbox(anon, ADMIN_PHONE, { after });
    expect((await anon.post("/api/otp/verify", { data: { phone: ADMIN_PHONE, code, purpose: "Registration" } })).ok()).toBe(true);
    const list = await admin.get(`/api/admin/verifications?phone=${encodeURIComponent(ADMIN_PHONE)}&purpose=Registration`);
    const { items } = (await list.json()) as { items: { id: string; userAgent: string | null; ip: string | null }[] };
    const mine = items.find((v) => v.userAgent === ADMIN_UA);
    expect(mine, "the admin's verification with the canary user agent").toBeTruthy();
    expect(mine!.ip).toBe(ADMIN_IP);
    const users = await (await admin.get(`/api/admin/users?phone=${encodeURIComponent(ADMIN_PHONE.slice(1))}`)).json();
    const userId = (users.items as { id: string; phone: string }[]).find((u) => u.phone === ADMIN_PHONE)!.id;
    await admin.dispose();
    await anon.dispose();
    return { id: mine!.id, userId };
  })();
  return canary;
}

/**
 * One request as a browser would make it: Next answers `RSC: 1` without `_rsc` with a 307 to the same
 * URL plus `_rsc=…`; that redirect is followed (its own body is checked too).
 */
async function fetchLikeBrowser(ctx: APIRequestContext, method: string, url: string, headers: Record<string, string>, where: string) {
  const data = method === "PATCH" ? { role: "ADMIN" } : undefined;
  let res = await ctx.fetch(url, { method, headers, data, maxRedirects: 0 });
  const location = res.headers().location ?? "";
  if (res.status() === 307 && headers.RSC && /[?&]_rsc(=|&|$)/.test(location)) {
    expectNoAdminData(`${where} (the _rsc redirect)`, await res.text());
    res = await ctx.fetch(location, { method, headers, data, maxRedirects: 0 });
  }
  return res;
}

function expectNoAdminData(where: string, body: string) {
  expect(body.includes(ADMIN_PHONE), `${where}: admin phone in the body`).toBe(false);
  expect(body.includes(ADMIN_PHONE.slice(1)), `${where}: admin phone digits in the body`).toBe(false);
  expect(body.includes(ADMIN_UA), `${where}: admin user agent in the body`).toBe(false);
  expect(body.includes(ADMIN_IP), `${where}: admin IP in the body`).toBe(false);
}

async function signedInContext(browser: Browser, phone: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, phone);
  return { context, page };
}

/** A bare request context carrying exactly these cookies (a copy of a browser's session). */
async function withCookies(baseURL: string, state: Awaited<ReturnType<import("@playwright/test").BrowserContext["storageState"]>>): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL, storageState: state });
}

// One worker, in order: the tests share the admin's canary verification (made once per worker) and
// the admin number's codes, which a second worker's sends would replace.
test.describe.configure({ mode: "default" });

test.describe("admin data behind every page", () => {
  test.describe.configure({ timeout: 60_000 });
  test("a signed-in non-admin gets no admin data from any admin page or API route, in any response form", async ({ browser, baseURL }) => {
    const { id, userId } = await adminVerification(baseURL!);
    const { context, page } = await signedInContext(browser, uniquePhone());
    for (const path of ADMIN_PAGES(id)) {
      for (const [name, query, headers] of VARIANTS) {
        const where = `${path} (${name})`;
        const res = await fetchLikeBrowser(page.request, "GET", `${path}${query}`, headers, where);
        // The document is a real 403; an RSC payload streams with 200 and carries the 403 inside.
        if (name === "document") expect({ where, status: res.status() }).toEqual({ where, status: 403 });
        else expect({ where, status: [200, 403].includes(res.status()) }).toEqual({ where, status: true });
        expectNoAdminData(where, await res.text());
      }
    }
    for (const [method, path] of ADMIN_API(id, userId)) {
      for (const [name, query, headers] of VARIANTS) {
        const where = `${method} ${path} (${name})`;
        const res = await fetchLikeBrowser(page.request, method, `${path}${query}`, headers, where);
        expect({ where, status: res.status() }).toEqual({ where, status: 403 });
        expectNoAdminData(where, await res.text());
      }
    }
    await context.close();
  });

  test("an anonymous visitor gets no admin data from any admin page or API route, in any response form", async ({ baseURL }) => {
    const { id, userId } = await adminVerification(baseURL!);
    const anon = await playwrightRequest.newContext({ baseURL });
    for (const path of ADMIN_PAGES(id)) {
      for (const [name, query, headers] of VARIANTS) {
        const where = `${path} (${name})`;
        const res = await fetchLikeBrowser(anon, "GET", `${path}${query}`, headers, where);
        expect({ where, redirect: res.status() >= 300 && res.status() < 400 }).toEqual({ where, redirect: true });
        expect(res.headers().location).toContain("/login?callbackUrl=");
        expectNoAdminData(where, await res.text());
      }
    }
    for (const [method, path] of ADMIN_API(id, userId)) {
      for (const [name, query, headers] of VARIANTS) {
        const where = `${method} ${path} (${name})`;
        const res = await fetchLikeBrowser(anon, method, `${path}${query}`, headers, where);
        expect({ where, status: res.status() }).toEqual({ where, status: 401 });
        expectNoAdminData(where, await res.text());
      }
    }
    await anon.dispose();
  });

  test("the admin still sees the detail page with the phone, IP and user agent", async ({ browser, baseURL }) => {
    const { id } = await adminVerification(baseURL!);
    const context = await browser.newContext({ storageState: ADMIN_STORAGE_STATE });
    const res = await context.request.get(`/admin/verifications/${id}`);
    expect(res.status()).toBe(200);
    const body = await res.text();
    expect(body).toContain(ADMIN_PHONE);
    expect(body).toContain(ADMIN_UA);
    await context.close();
  });
});

test.describe("sessions that end", () => {
  test("after sign-out (the Sign out form, POST /logout) a copy of the old session cookie is refused: /account goes to /login, the admin API answers 401", async ({ browser, baseURL }) => {
    // The admin's number, in a session of its own (the saved admin session stays signed in).
    const { context, page } = await signedInContext(browser, ADMIN_PHONE);
    const copy = await context.storageState();
    const before = await withCookies(baseURL!, copy);
    expect((await before.get("/api/admin/stats")).status()).toBe(200);

    await page.goto("/account");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);

    const stolen = await withCookies(baseURL!, copy);
    const account = await stolen.get("/account", { maxRedirects: 0 });
    expect(account.status()).toBe(307);
    expect(account.headers().location).toContain("/login");
    const api = await stolen.get("/api/admin/stats");
    expect(api.status()).toBe(401);
    expect((await api.json()).error.code).toBe("unauthorized");
    expect(await (await stolen.get("/api/auth/session")).json()).toEqual({});
    await before.dispose();
    await stolen.dispose();
    await context.close();
  });

  test("next-auth's own sign-out (POST /api/auth/signout, for API clients) ends the session on the server too", async ({ browser, baseURL }) => {
    const { context } = await signedInContext(browser, uniquePhone());
    const copy = await context.storageState();
    const { csrfToken } = (await (await context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const out = await context.request.post("/api/auth/signout", { form: { csrfToken, json: "true" } });
    expect(out.status()).toBe(200);
    const stolen = await withCookies(baseURL!, copy);
    expect(await (await stolen.get("/api/auth/session")).json()).toEqual({});
    expect((await stolen.get("/account", { maxRedirects: 0 })).status()).toBe(307);
    await stolen.dispose();
    await context.close();
  });

  test("a demotion takes effect on the user's next request, and /api/auth/session reports the current role", async ({ browser, baseURL }) => {
    const phone = uniquePhone();
    const { context, page } = await signedInContext(browser, phone);
    const admin = await playwrightRequest.newContext({ baseURL, storageState: ADMIN_STORAGE_STATE });
    const { items } = await (await admin.get(`/api/admin/users?phone=${encodeURIComponent(phone.slice(1))}`)).json();
    const userId = items[0].id as string;
    expect((await admin.patch(`/api/admin/users/${userId}`, { data: { role: "ADMIN" } })).status()).toBe(200);
    expect((await (await page.request.get("/api/auth/session")).json()).user.role).toBe("ADMIN");
    expect((await page.request.get("/api/admin/stats")).status()).toBe(200);

    expect((await admin.patch(`/api/admin/users/${userId}`, { data: { role: "USER" } })).status()).toBe(200);
    expect((await (await page.request.get("/api/auth/session")).json()).user.role).toBe("USER");
    expect((await page.request.get("/api/admin/stats")).status()).toBe(403);
    expect((await page.goto("/admin"))?.status()).toBe(403);
    await admin.dispose();
    await context.close();
  });

  test("an admin's Sign out everywhere on the users page ends every session of that user at their next request", async ({ browser }) => {
    const phone = uniquePhone();
    const laptop = await signedInContext(browser, phone);
    const mobile = await signedInContext(browser, phone);
    for (const device of [laptop, mobile]) expect((await device.page.goto("/account"))?.url()).toContain("/account");

    const adminContext = await browser.newContext({ storageState: ADMIN_STORAGE_STATE });
    const adminPage = await adminContext.newPage();
    await adminPage.goto("/admin/users");
    await adminPage.getByLabel("Search by phone").fill(phone);
    const row = adminPage.locator(`[data-user-phone="${phone}"]:visible`);
    await row.getByRole("button", { name: `Sign out everywhere: ${phone}` }).click();
    await adminPage.getByRole("button", { name: "Yes, sign out" }).click();
    await expect(adminPage.locator("#role-message")).toContainText(`${phone} is signed out everywhere (2 sessions ended).`);

    for (const device of [laptop, mobile]) {
      await device.page.goto("/account");
      await expect(device.page).toHaveURL(/\/login\?callbackUrl=%2Faccount/);
      expect(await (await device.page.request.get("/api/auth/session")).json()).toEqual({});
      await device.context.close();
    }
    await adminContext.close();
  });
});

test.describe("bounded, crash-proof routes", () => {
  test("the next-auth routes refuse a body over 16 KB with 413 in the error shape, declared or streamed", async ({ request, baseURL }) => {
    const big = "x".repeat(1024 * 1024);
    const declared = await request.post("/api/auth/callback/phone-otp", { headers: { "content-type": "application/x-www-form-urlencoded" }, data: `phone=${big}` });
    expect(declared.status()).toBe(413);
    expect((await declared.json()).error.code).toBe("payload_too_large");
    // Chunked, no Content-Length: the limit holds while reading.
    const res = await fetch(`${baseURL}/api/auth/callback/phone-otp`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 64; i++) controller.enqueue(new TextEncoder().encode(big.slice(0, 16 * 1024)));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
  });

  test("a malformed callbackUrl in the query or the next-auth.callback-url cookie never makes an auth route answer 500", async ({ baseURL }) => {
    for (const bad of ["http://x:1a", "http://[::1", "/.//evil.example", "%E0%A4%A", "https://evil.example/"]) {
      const withCookie = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { cookie: `next-auth.callback-url=${encodeURIComponent(bad)}` } });
      const plain = await playwrightRequest.newContext({ baseURL });
      for (const path of ["/api/auth/csrf", "/api/auth/session", "/api/auth/providers", "/api/auth/signin"]) {
        for (const [name, ctx, url] of [
          ["cookie", withCookie, path],
          ["query", plain, `${path}?callbackUrl=${encodeURIComponent(bad)}`],
        ] as const) {
          const res = await ctx.get(url, { maxRedirects: 0 });
          const where = `${path} with ${name} ${bad}`;
          expect({ where, status: res.status() }).toEqual({ where, status: path === "/api/auth/signin" ? 302 : 200 });
          if (path === "/api/auth/signin") expect(res.headers().location, where).not.toContain("evil.example");
        }
      }
      expect((await (await withCookie.get("/api/auth/csrf")).json()).csrfToken).toEqual(expect.any(String));
      await withCookie.dispose();
      await plain.dispose();
    }
  });

  test("malformed percent-encoding in a path answers 400 in the error shape, never a 500", async ({ request }) => {
    for (const path of ["/api/%ff", "/api/auth/%ff", "/api/admin/verifications/%ff", "/api/otp/%E0%A4%A", "/api/auth/session%"]) {
      for (const method of ["GET", "POST"]) {
        const res = await request.fetch(path, { method });
        const where = `${method} ${path}`;
        expect({ where, status: res.status() }).toEqual({ where, status: 400 });
        expect((await res.json()).error.code, where).toBe("validation_error");
      }
    }
  });

  test("POST /api/health and POST /api/openapi.json answer 405 with Allow and the error shape", async ({ request }) => {
    for (const path of ["/api/health", "/api/openapi.json"]) {
      const res = await request.post(path);
      expect(res.status()).toBe(405);
      expect(res.headers().allow).toBe("GET, HEAD, OPTIONS");
      expect((await res.json()).error.code).toBe("method_not_allowed");
    }
  });
});
