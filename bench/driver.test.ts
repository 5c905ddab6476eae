// node --import tsx --test bench/driver.test.ts (npm run bench:test): the load driver's full-login
// cycle against a small local server that answers like the product (with or without "session": true)
// and like Better Auth, so the path it reports and the errors it counts are the server's, not the driver's.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { BETTER_AUTH_API, PRODUCT_LOGIN, runLoad, SESSION_SAMPLE, summarize, type LoadRun } from "./driver";

type Mode = "ignores-session" | "verify-sets-session" | "callback-without-cookie" | "better-auth";

async function fakeServer(mode: Mode) {
  const sessions = new Map<string, string>(); // cookie value → phone
  const tokens = new Map<string, string>(); // loginToken → phone
  let n = 0;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const json = (status: number, body: unknown, cookie?: string) => {
      res.writeHead(status, { "content-type": "application/json", ...(cookie ? { "set-cookie": `${cookie}; Path=/; HttpOnly` } : {}) });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://x");
    const cookie = /session[_.-]token=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    if (url.pathname === "/last-code") return json(200, { code: "123456" });
    if (url.pathname.endsWith("/send") || url.pathname.endsWith("/send-otp")) return json(200, { status: "sent" });
    if (url.pathname.endsWith("/verify")) {
      const body = JSON.parse(text) as { phone?: string; phoneNumber?: string };
      const phone = (body.phone ?? body.phoneNumber)!;
      const id = `s${++n}`;
      if (mode === "verify-sets-session" || mode === "better-auth") {
        sessions.set(id, phone);
        return json(200, { status: true }, `${mode === "better-auth" ? "better-auth.session_token" : "next-auth.session-token"}=${id}`);
      }
      tokens.set(id, phone);
      return json(200, { status: "verified", loginToken: id });
    }
    if (url.pathname === "/api/auth/csrf") return json(200, { csrfToken: "c" }, "next-auth.csrf-token=c|h");
    if (url.pathname === "/api/auth/callback/phone-otp") {
      const form = new URLSearchParams(text);
      const phone = tokens.get(form.get("loginToken") ?? "");
      if (!phone || form.get("csrfToken") !== "c" || !req.headers.cookie?.includes("csrf-token=c|h")) return json(401, { url: "/login?error=x" });
      const id = `c${++n}`;
      sessions.set(id, phone);
      return json(200, { url: "/account" }, mode === "callback-without-cookie" ? undefined : `next-auth.session-token=${id}`);
    }
    if (url.pathname === "/api/auth/session") return json(200, cookie && sessions.has(cookie) ? { user: { phone: sessions.get(cookie) } } : {});
    if (url.pathname === "/api/auth/get-session") return json(200, cookie && sessions.has(cookie) ? { user: { phoneNumber: sessions.get(cookie) } } : null);
    json(404, {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function drive(mode: Mode): Promise<{ run: LoadRun; summary: ReturnType<typeof summarize> }> {
  const s = await fakeServer(mode);
  try {
    const run = await runLoad({ targets: [s.url], api: mode === "better-auth" ? BETTER_AUTH_API : PRODUCT_LOGIN, gatewayUrl: s.url, users: 4, durationMs: 600 });
    return { run, summary: summarize(run, 0, Number.POSITIVE_INFINITY) };
  } finally {
    await s.close();
  }
}

test("falls back to next-auth's csrf and credentials callback when verify ignores session: true, and labels it", async () => {
  const { run, summary } = await drive("ignores-session");
  assert.ok(summary.cycles > SESSION_SAMPLE, `only ${summary.cycles} cycles`);
  assert.equal(summary.errorCount, 0, JSON.stringify(summary.errors));
  assert.deepEqual(Object.keys(summary.loginPaths ?? {}), ["callback"]);
  assert.ok(summary.callback && summary.csrf, "csrf and callback latencies reported");
  assert.ok(summary.sessionChecks!.made > 0 && summary.sessionChecks!.ok === summary.sessionChecks!.made);
  assert.equal(run.requests.filter((r) => r.completes).every((r) => r.ep === "callback"), true);
});

test("takes the session from the verify answer when the server sets it, with no callback", async () => {
  const { run, summary } = await drive("verify-sets-session");
  assert.equal(summary.errorCount, 0, JSON.stringify(summary.errors));
  assert.deepEqual(Object.keys(summary.loginPaths ?? {}), ["verify"]);
  assert.equal(run.requests.some((r) => r.ep === "csrf" || r.ep === "callback"), false);
  assert.ok(summary.sessionChecks!.made > 0 && summary.sessionChecks!.ok === summary.sessionChecks!.made);
});

test("counts a callback that answers 200 without a session cookie as an error, not a login", async () => {
  const { summary } = await drive("callback-without-cookie");
  assert.equal(summary.cycles, 0);
  assert.ok((summary.errors["callback 200 without session cookie"] ?? 0) > 0, JSON.stringify(summary.errors));
  assert.equal(summary.loginPaths, undefined);
});

test("drives Better Auth's own routes and checks its session cookie with get-session", async () => {
  const { summary } = await drive("better-auth");
  assert.equal(summary.errorCount, 0, JSON.stringify(summary.errors));
  assert.deepEqual(Object.keys(summary.loginPaths ?? {}), ["verify"]);
  assert.ok(summary.sessionChecks!.made > 0 && summary.sessionChecks!.ok === summary.sessionChecks!.made);
});
