/**
 * npm run bench:ux – the login as a person on a cheap phone on a slow network sees it: real Chromium,
 * DevTools' Slow 3G profile (2 s latency, 50 KB/s each way) and a 4× slower CPU through CDP, on the
 * production build. Prints /login first paint, when the form works (as HTML, and once enhanced),
 * JavaScript bytes (as transferred, gzip), send → code step, code → /account and sign-out, with the
 * requests of each step.
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

type Step = { ms: number; requests: string[] };

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
  const types = new Map<string, string>();
  const urls = new Map<string, string>();
  let scriptBytes = 0;
  cdp.on("Network.requestWillBeSent", (e) => {
    urls.set(e.requestId, e.request.url);
    // A redirect reuses the request id: keep the hop that redirected as a request of its own.
    const key = e.redirectResponse ? `${e.requestId}:${e.request.url}` : e.requestId;
    if (current) pending.set(key, `${e.request.method} ${new URL(e.request.url).pathname}`);
  });
  // Only requests that reached the network count; cache hits are free on a slow link.
  cdp.on("Network.requestServedFromCache", (e) => pending.delete(e.requestId));
  cdp.on("Network.responseReceived", (e) => {
    types.set(e.requestId, e.type);
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker) pending.delete(e.requestId);
  });
  cdp.on("Network.loadingFinished", (e) => {
    if (types.get(e.requestId) === "Script") scriptBytes += e.encodedDataLength;
  });
  return {
    start: () => {
      current = [];
      pending = new Map();
    },
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
  };
}

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
  return { ms, requests: rec.stop() };
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
      `send → code step        ${s(send.ms)}, ${dynamicOnly(send.requests).length} requests (${send.requests.length} with assets): ${dynamicOnly(send.requests).join(", ")}`,
      `code → /account         ${s(verify.ms)}, ${dynamicOnly(verify.requests).length} requests (${verify.requests.length} with assets): ${dynamicOnly(verify.requests).join(", ")}`,
      `sign-out                ${s(signOut.ms)}, ${dynamicOnly(signOut.requests).length} requests (${signOut.requests.length} with assets): ${dynamicOnly(signOut.requests).join(", ")}`,
    ];
    console.log(lines.join("\n"));
  } finally {
    await browser.close();
    if (server?.pid) process.kill(-server.pid);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
