/**
 * SIGTERM with real processes: a production server (the suite's build) sending through a slow
 * local mShastra gateway is told to stop while 50 sends are in flight. Every send is answered, the
 * process exits 0, and a fresh start on the same embedded database finds every sent code.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rmSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { E2E_ENV } from "../playwright.config";

// Past the three servers of playwright.config.ts (PORT, +1, +2) and the lock spec's (+10…+13).
const PORT = Number(process.env.E2E_PORT ?? 3210) + 20;
const BASE = `http://127.0.0.1:${PORT}`;
const DATA = "data/e2e-shutdown";
const SENDS = 50;

type Gateway = { server: Server; url: string; texts: Map<string, string> };

/** mShastra's JSON API, answering each message after `delayMs`. */
async function slowGateway(delayMs: number): Promise<Gateway> {
  const texts = new Map<string, string>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const [msg] = JSON.parse(body) as { number: string; msg: string }[];
      texts.set(`+${msg.number}`, msg.msg);
      setTimeout(() => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify([{ msg_id: String(texts.size), number: msg.number, str_response: "Send Successful" }]));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, texts };
}

function startServer(gatewayUrl: string): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  // node itself, not npx: the signal goes to the server process, and its exit code is the server's.
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(PORT)], {
    env: {
      ...process.env,
      ...E2E_ENV,
      DATABASE_URL: `${DATA}/pglite`,
      DATA_DIR: DATA,
      NEXTAUTH_URL: BASE,
      SMS_PROVIDER: "mshastra",
      MSHASTRA_API_URL: gatewayUrl,
      MSHASTRA_USER: "user",
      MSHASTRA_PASSWORD: "password",
      MSHASTRA_SENDER: "PhoneOTP",
      SMS_TIMEOUT_MS: "20000",
      SMS_MAX_RETRIES: "0",
      SHUTDOWN_GRACE_SECONDS: "10",
      LOG_LEVEL: "info",
    } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code: number | null) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitForHealth() {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("server did not start");
}

const phone = (i: number) => `+2557150${String(i).padStart(5, "0")}`;

test("SIGTERM during 50 in-flight sends answers all of them, exits 0, and the next start is clean", async () => {
  test.setTimeout(120_000);
  rmSync(DATA, { recursive: true, force: true });
  const gateway = await slowGateway(3_000);
  try {
    const first = startServer(gateway.url);
    await waitForHealth();

    const sends = Array.from({ length: SENDS }, (_, i) =>
      fetch(`${BASE}/api/otp/send`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ phone: phone(i), purpose: "Login" }),
      }).then(async (res) => ({ status: res.status, body: await res.json() }), (error: Error) => ({ status: 0, body: error.message })),
    );
    // Every send has reached the gateway (so it is in flight inside the server) before SIGTERM.
    await expect.poll(() => gateway.texts.size, { timeout: 30_000 }).toBe(SENDS);
    first.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    // New connections are refused at once.
    await expect(fetch(`${BASE}/api/health`)).rejects.toThrow();

    const results = await Promise.all(sends);
    expect(results.map((r) => r.status)).toEqual(Array(SENDS).fill(200));
    expect(await first.exited, first.output()).toBe(0);
    expect(first.output()).toMatch(/"msg":"shut down".*"allAnswered":true/);

    // The next start opens the same embedded database cleanly and every answered send has its row:
    // each code the gateway carried verifies.
    const second = startServer(gateway.url);
    await waitForHealth();
    for (let i = 0; i < SENDS; i++) {
      const code = /\b(\d{6})\b/.exec(gateway.texts.get(phone(i)) ?? "")?.[1];
      const res = await fetch(`${BASE}/api/otp/verify`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ phone: phone(i), code, purpose: "Login" }),
      });
      expect({ i, status: res.status }).toEqual({ i, status: 200 });
    }
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(second.output()).not.toMatch(/in use by another process|Database error/);
  } finally {
    gateway.server.closeAllConnections();
    gateway.server.close();
  }
});
