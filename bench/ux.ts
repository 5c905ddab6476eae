/**
 * npm run bench:ux – the login as a person on a cheap phone on a slow network sees it: real Chromium,
 * DevTools' Slow 3G profile (2 s latency, 50 KB/s each way) and a 4× slower CPU through CDP, on the
 * production build. Prints /login first paint, when the form works (as HTML, and once enhanced),
 * JavaScript bytes (as transferred, gzip) with each script, send → code step, code → /account and
 * sign-out, with the requests of each step. code → /account runs from the last digit until the
 * account's phone number is painted (its `elementtiming` entry), which is what the person waits for,
 * and lists when each of its requests was sent and answered.
 *
 *   npm run build && npm run bench:ux               # starts `next start` on BENCH_PORT (3352) itself
 *   BENCH_URL=http://127.0.0.1:3352 npm run bench:ux # measures a server that is already running
 *
 * Works against the old login page too (no confirmation step, JavaScript-only form), so "before" and
 * "after" come from the same script. Figures, not assertions: single runs move by a few hundred ms.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { chromium, type CDPSession, type Page } from "@playwright/test";

const PORT = Number(process.env.BENCH_PORT ?? 3352);
const BASE = process.env.BENCH_URL ?? `http://127.0.0.1:${PORT}`;
const PHONE_NATIONAL = `07${String(Date.now()).slice(-8)}`; // a fresh Tanzanian mobile each run
const PHONE = `+255${PHONE_NATIONAL.slice(1)}`;
const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: (400 * 1024) / 8, uploadThroughput: (400 * 1024) / 8 };
const CPU_SLOWDOWN = 4;

type Step = { ms: number; requests: string[]; t0: number };

async function startServer(): Promise<ChildProcess | null> {
  if (process.env.BENCH_URL) return null;
  if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
  rmSync("data/bench-ux", { recursive: true, force: true });
  const child = spawn("npx", ["next", "start", "-H", "127.0.0.1", "-p", String(PORT)], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: "data/bench-ux/pglite",
      DATA_DIR: "data/bench-ux",
      OTP_SECRET: "bench-ux-otp-secret-0123456789abcdef0123456789",
      NEXTAUTH_SECRET: "bench-ux-nextauth-secret-0123456789abcdef01234",
      NEXTAUTH_URL: BASE,
      SMS_PROVIDER: "console",
      SMS_ALLOW_CONSOLE_IN_PRODUCTION: "1",
      PHONE_ALLOWED_COUNTRIES: "TZ,KE", // a production start refuses to run without it (issue 13)
      LOG_LEVEL: "warn",
    },
    stdio: "ignore",
    detached: true,
  });
  for (let i = 0; i < 120; i++) {
    if (await fetch(`${BASE}/api/health`).then((r) => r.ok, () => false)) return child;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not start");
}

async function codeFromOutbox(after: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${BASE}/api/dev/outbox?to=${encodeURIComponent(PHONE)}`);
    const { messages } = (await res.json()) as { messages: { text: string; createdAt: string }[] };
    const latest = messages.find((m) => Date.parse(m.createdAt) > after - 1000);
    const code = latest && /(?<!\d)(\d{4,10})(?!\d)/.exec(latest.text)?.[1];
    if (code) return code;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("no code in the outbox");
}

/** Records the requests made between start() and stop(), and the transferred bytes per type. */
function recorder(cdp: CDPSession) {
  let current: string[] | null = null;
  let pending = new Map<string, string>();
  // Wall-clock times (ms) per request of the current step: sent, first byte, last byte.
  let timings = new Map<string, { name: string; sentAt: number; headersAt?: number; doneAt?: number }>();
  const wallOffsets = new Map<string, number>(); // CDP monotonic seconds → wall-clock ms, per request
  const types = new Map<string, string>();
  const urls = new Map<string, string>();
  let scriptBytes = 0;
  let scripts: { path: string; bytes: number }[] = [];
  cdp.on("Network.requestWillBeSent", (e) => {
    urls.set(e.requestId, e.request.url);
    // A redirect reuses the request id: keep the hop that redirected as a request of its own.
    const key = e.redirectResponse ? `${e.requestId}:${e.request.url}` : e.requestId;
    if (current) pending.set(key, `${e.request.method} ${new URL(e.request.url).pathname}`);
    if (current && !e.redirectResponse) {
      wallOffsets.set(e.requestId, e.wallTime * 1000 - e.timestamp * 1000);
      timings.set(e.requestId, { name: `${e.request.method} ${new URL(e.request.url).pathname}`, sentAt: e.wallTime * 1000 });
    }
  });
  const wall = (requestId: string, timestamp: number) => timestamp * 1000 + (wallOffsets.get(requestId) ?? 0);
  // Only requests that reached the network count; cache hits are free on a slow link.
  cdp.on("Network.requestServedFromCache", (e) => pending.delete(e.requestId));
  cdp.on("Network.responseReceived", (e) => {
    types.set(e.requestId, e.type);
    const t = timings.get(e.requestId);
    if (t) t.headersAt = wall(e.requestId, e.timestamp);
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker) pending.delete(e.requestId);
  });
  cdp.on("Network.loadingFinished", (e) => {
    const t = timings.get(e.requestId);
    if (t) t.doneAt = wall(e.requestId, e.timestamp);
    if (types.get(e.requestId) !== "Script") return;
    scriptBytes += e.encodedDataLength;
    scripts.push({ path: new URL(urls.get(e.requestId) ?? "http://x/?").pathname, bytes: e.encodedDataLength });
  });
  return {
    start: () => {
      current = [];
      pending = new Map();
      timings = new Map();
    },
    /** "POST /api/otp/verify sent +0.05 s, first byte +2.31 s, done +2.32 s" for each request since start(), relative to t0. */
    timeline: (t0: number) =>
      [...timings.values()]
        .map((t) => {
          const at = (ms?: number) => (ms === undefined ? "—" : `+${((ms - t0) / 1000).toFixed(2)} s`);
          return `${t.name} sent ${at(t.sentAt)}, first byte ${at(t.headersAt)}, done ${at(t.doneAt)}`;
        }),
    stop: () => {
      const list = [...pending.values()];
      current = null;
      pending = new Map();
      return list;
    },
    takeScriptBytes: () => {
      const b = scriptBytes;
      scriptBytes = 0;
      return b;
    },
    /** Each script loaded since the last call, largest first, with its transferred bytes. */
    takeScripts: () => {
      const list = scripts.sort((a, b) => b.bytes - a.bytes);
      scripts = [];
      return list;
    },
  };
}

/**
 * When the account page painted the phone number (epoch ms): its `elementtiming` entry, FCP if the
 * page has no such mark. A string, not a function: tsx would wrap named helpers in `__name()`,
 * which does not exist in the page.
 */
const ACCOUNT_PAINTED_AT = `new Promise((resolve) => {
  const fcp = performance.getEntriesByType("paint").find((p) => p.name === "first-contentful-paint");
  const settle = (t) => resolve(performance.timeOrigin + (t ?? fcp?.startTime ?? performance.now()));
  new PerformanceObserver((list) => {
    const entry = list.getEntries().find((e) => e.identifier === "account-phone");
    if (entry) settle(entry.renderTime || entry.loadTime);
  }).observe({ type: "element", buffered: true });
  setTimeout(() => settle(undefined), 3000);
})`;

/** When React has attached its handlers to the phone field (the old form did nothing before). */
const isHydrated = () => {
  const input = document.getElementById("phone");
  return !!input && Object.keys(input).some((k) => k.startsWith("__reactProps$"));
};

async function timed(page: Page, rec: ReturnType<typeof recorder>, action: () => Promise<void>, done: () => Promise<void>): Promise<Step> {
  rec.start();
  const t0 = Date.now();
  await action();
  await done();
  const ms = Date.now() - t0;
  await page.waitForTimeout(300);
  return { ms, requests: rec.stop(), t0 };
}

async function main() {
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined),
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2.6 });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
    const rec = recorder(cdp);

    // Landing page first (cold cache), to measure its weight on its own.
    await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
    rec.start();
    await page.goto(`${BASE}/`, { waitUntil: "load" });
    const homeRequests = rec.stop();
    const homeJs = rec.takeScriptBytes();
    rec.takeScripts();

    // /login with a cold cache (a new context would lose the landing page's chunks: clear them).
    await cdp.send("Network.clearBrowserCache");
    rec.start();
    const t0 = Date.now();
    await page.goto(`${BASE}/login`, { waitUntil: "commit" });
    await page.waitForFunction(() => performance.getEntriesByType("paint").some((p) => p.name === "first-contentful-paint"), null, { polling: 50 });
    const nav = await page.evaluate(() => {
      const fcp = performance.getEntriesByType("paint").find((p) => p.name === "first-contentful-paint")!.startTime;
      const form = document.querySelector("form[method=post][action]");
      return { fcp, nativeForm: !!form };
    });
    await page.waitForFunction(isHydrated, null, { polling: 50 });
    const hydratedAt = Date.now() - t0;
    await page.waitForLoadState("load");
    const loginRequests = rec.stop();
    const loginJs = rec.takeScriptBytes();
    const loginScripts = rec.takeScripts();

    // Send → code step (with the confirmation tap where the page asks for it).
    await page.getByLabel("Phone number", { exact: true }).fill(PHONE_NATIONAL);
    const sendAt = Date.now();
    const send = await timed(
      page,
      rec,
      () => page.getByRole("button", { name: "Send code" }).click(),
      async () => {
        const confirm = page.getByRole("button", { name: /^Yes, send the code/ });
        const codeStep = page.getByRole("heading", { name: "Enter your code" });
        await confirm.or(codeStep).first().waitFor();
        if (await confirm.isVisible()) await confirm.click();
        await codeStep.waitFor();
      },
    );

    const code = await codeFromOutbox(sendAt);
    const field = page.getByLabel(/-digit code$/);
    await field.pressSequentially(code.slice(0, -1));
    const verify = await timed(
      page,
      rec,
      () => field.press(code.slice(-1)),
      async () => {
        await page.waitForURL(/\/account/, { waitUntil: "commit" });
        await page.getByTestId("account-phone").waitFor();
      },
    );
    const verifyTimeline = rec.timeline(verify.t0);
    // What the person waits for is the number on screen, not the element in the DOM: the account
    // page marks it with `elementtiming`, whose renderTime is when it was painted (FCP as a fallback).
    const accountPaintedAt = await page.evaluate<number>(ACCOUNT_PAINTED_AT);
    const accountPaintedMs = accountPaintedAt - verify.t0;

    const signOut = await timed(
      page,
      rec,
      () => page.getByRole("button", { name: "Sign out" }).click(),
      async () => {
        await page.waitForURL(/\/login/, { waitUntil: "commit" });
        await page.getByRole("heading", { name: "Log in with your phone" }).waitFor();
      },
    );

    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const dynamicOnly = (list: string[]) => list.filter((r) => !r.includes("/_next/static/") && !r.endsWith("/icon.svg"));
    const lines = [
      `bench:ux against ${BASE} — Slow 3G (2 s latency, 50 KB/s), CPU ${CPU_SLOWDOWN}× slower, phone viewport`,
      `landing page            JS ${kb(homeJs)} (transferred), ${homeRequests.length} requests`,
      `/login first paint      ${s(nav.fcp)}`,
      `/login form works       ${nav.nativeForm ? `${s(nav.fcp)} (a real form post, before JavaScript)` : `${s(hydratedAt)} (only once JavaScript has run)`}`,
      `/login enhanced (JS)    ${s(hydratedAt)}`,
      `/login JS               ${kb(loginJs)} (transferred, gzip), ${loginRequests.length} requests`,
      ...loginScripts.map((script) => `    ${kb(script.bytes).padStart(8)}  ${script.path}`),
      `send → code step        ${s(send.ms)}, ${dynamicOnly(send.requests).length} requests (${send.requests.length} with assets): ${dynamicOnly(send.requests).join(", ")}`,
      `code → /account         ${s(accountPaintedMs)} until the account is painted (${s(verify.ms)} until Playwright saw it), ${dynamicOnly(verify.requests).length} requests (${verify.requests.length} with assets): ${dynamicOnly(verify.requests).join(", ")}`,
      ...verifyTimeline.map((line) => `    ${line}`),
      `sign-out                ${s(signOut.ms)}, ${dynamicOnly(signOut.requests).length} requests (${signOut.requests.length} with assets): ${dynamicOnly(signOut.requests).join(", ")}`,
    ];
    console.log(lines.join("\n"));
  } finally {
    await browser.close();
    // The server may have died already (a port in use, say): keep the error that explains it.
    if (server?.pid) {
      try {
        process.kill(-server.pid);
      } catch {}
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
