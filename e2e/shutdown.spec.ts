/**
 * SIGTERM with real processes: production servers (the suite's build) told to stop while work is in
 * flight. 50 sends through a slow local mShastra gateway are all answered, the process exits 0, and
 * a fresh start on the same embedded database finds every sent code. A webhook delivery held by a
 * slow receiver completes and is logged once, no job starts after the signal, and the next start
 * delivers what was left, each once (on PGlite and PostgreSQL).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { OWN_ADMIN_ENV, OWN_BASE as BASE, OWN_DATABASE_KINDS, ownDatabase, signInOwnAdmin, startOwnServer, waitForHealth } from "./own-server";

const SENDS = 50;

type Gateway = { server: Server; url: string; texts: Map<string, string> };

/** mShastra's JSON API, answering each message after `delayMs(number)`. */
async function slowGateway(delayMs: (number: string) => number): Promise<Gateway> {
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
      }, delayMs(`+${msg.number}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, texts };
}

const mshastra = (gatewayUrl: string) => ({
  SMS_PROVIDER: "mshastra",
  MSHASTRA_API_URL: gatewayUrl,
  MSHASTRA_USER: "user",
  MSHASTRA_PASSWORD: "password",
  MSHASTRA_SENDER: "PhoneOTP",
  SMS_TIMEOUT_MS: "20000",
  SMS_MAX_RETRIES: "0",
});

const phone = (i: number) => `+2557150${String(i).padStart(5, "0")}`;

test("SIGTERM during 50 in-flight sends answers all of them, exits 0, and the next start is clean", async () => {
  test.setTimeout(120_000);
  const database = await ownDatabase("pglite", "shutdown");
  const gateway = await slowGateway(() => 3_000);
  const startServer = (gatewayUrl: string) => startOwnServer({ ...database.env, ...mshastra(gatewayUrl), SHUTDOWN_GRACE_SECONDS: "10" });
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
    await database.drop();
  }
});

/** A developer's receiver in its own server: checks each signature, answers 200 after `holdMs`. */
async function slowReceiver(holdMs: number) {
  const arrived: { id: string; phone?: string }[] = [];
  const refused: string[] = [];
  let secret = "";
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        const event = new Webhook(secret).verify(body, req.headers as Record<string, string>) as { data: { phone?: string } };
        arrived.push({ id: String(req.headers["webhook-id"]), phone: event.data.phone });
      } catch (error) {
        refused.push((error as Error).message);
        return res.writeHead(401).end("bad signature");
      }
      setTimeout(() => res.writeHead(200).end("thanks"), holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, arrived, refused, useSecret: (value: string) => (secret = value) };
}

for (const kind of OWN_DATABASE_KINDS) {
  test(`SIGTERM during a webhook delivery: it completes and is logged once, no job starts after the signal, exit 0 within the grace period, the next start delivers the rest once [${kind}]`, async ({ request }) => {
    test.setTimeout(150_000);
    const GRACE_SECONDS = 8;
    const [inFlightPhone, queuedPhone, slowPhone] = ["+255715200001", "+255715200002", "+255715200003"];
    const database = await ownDatabase(kind, "shutdown-jobs");
    // The slow number's SMS keeps its send in flight for 4 s after the signal; the others are quick.
    const gateway = await slowGateway((number) => (number === slowPhone ? 4_000 : 50));
    const receiver = await slowReceiver(2_000);
    const env = { ...database.env, ...mshastra(gateway.url), ...OWN_ADMIN_ENV, SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS), JOBS: "on" };
    const send = (phone: string) => request.post(`${BASE}/api/otp/send`, { data: { phone, purpose: "Login" } }).then((res) => res.status());
    try {
      const first = startOwnServer(env);
      await waitForHealth(first);
      await signInOwnAdmin(request);
      const created = await request.post(`${BASE}/api/admin/webhooks`, { data: { url: receiver.url, events: ["verification.sent"] } });
      expect(created.status()).toBe(201);
      const endpoint = (await created.json()) as { id: string; secret: string };
      receiver.useSecret(endpoint.secret);

      expect(await send(inFlightPhone)).toBe(200);
      // Its delivery has reached the receiver, which holds it for 2 s: SIGTERM now.
      await expect.poll(() => receiver.arrived.length, { timeout: 30_000 }).toBe(1);
      expect(await send(queuedPhone)).toBe(200); // its event is queued, not yet delivered
      const slowSend = send(slowPhone);
      await expect.poll(() => gateway.texts.has(slowPhone), { timeout: 10_000 }).toBe(true);
      const signalled = Date.now();
      first.child.kill("SIGTERM");

      expect(await slowSend).toBe(200); // in flight: answered (and its event queued)
      expect(await first.exited, first.output()).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(GRACE_SECONDS * 1000);
      expect(first.output()).toMatch(/"msg":"shut down".*"allAnswered":true/);
      // The stopping instance finished the delivery it was making and started no other.
      expect(receiver.arrived.map((r) => r.phone)).toEqual([inFlightPhone]);
      const inFlightId = receiver.arrived[0].id;

      const second = startOwnServer(env);
      await waitForHealth(second);
      await expect.poll(() => receiver.arrived.length, { timeout: 30_000 }).toBe(3);
      await new Promise((r) => setTimeout(r, 4_000)); // a duplicate would arrive by now
      expect(receiver.arrived.map((r) => r.phone).sort()).toEqual([inFlightPhone, queuedPhone, slowPhone]);
      expect(new Set(receiver.arrived.map((r) => r.id)).size).toBe(3);
      expect(receiver.refused).toEqual([]);
      const deliveries = (await (await request.get(`${BASE}/api/admin/webhooks/${endpoint.id}/deliveries`)).json()) as {
        items: { id: string; status: string; attempts: number; attemptLog: { ok: boolean; responseStatus: number }[] }[];
      };
      expect(deliveries.items.map((d) => [d.status, d.attempts, d.attemptLog.length])).toEqual(Array(3).fill(["succeeded", 1, 1]));
      expect(deliveries.items.find((d) => d.id === inFlightId)?.attemptLog).toEqual([expect.objectContaining({ ok: true, responseStatus: 200 })]);

      second.child.kill("SIGTERM");
      expect(await second.exited, second.output()).toBe(0);
      expect(second.output()).not.toMatch(/in use by another process|Database error/);
      // Every delivery job is done in the queue: none left active (which would be retried after its expiry).
      const jobs = await database.query<{ name: string; state: string; n: number }>(
        `SELECT name, state, count(*)::int AS n FROM pgboss.job WHERE name IN ('webhook-fanout', 'webhook-deliver') GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      expect(jobs).toEqual([
        { name: "webhook-deliver", state: "completed", n: 3 },
        { name: "webhook-fanout", state: "completed", n: 3 },
      ]);
    } finally {
      for (const server of [gateway.server, receiver.server]) {
        server.closeAllConnections();
        server.close();
      }
      await database.drop();
    }
  });
}
