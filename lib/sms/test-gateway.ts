/**
 * Test helpers: real HTTP servers on 127.0.0.1 imitating SMS gateways, and a spy on everything the
 * process logs. Used only by the *.test.ts files beside it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from "vitest";
import { parseEnv, type Env } from "../env";

export type RecordedRequest = { method: string; path: string; headers: IncomingMessage["headers"]; body: string };
export type GatewayHandler = (req: RecordedRequest, res: ServerResponse, index: number) => void | Promise<void>;

export type FakeGateway = { url: string; requests: RecordedRequest[]; close(): Promise<void> };

/** Starts a server on an ephemeral port; `handler` may leave a request unanswered to imitate a hang. */
export async function startFakeGateway(handler: GatewayHandler): Promise<FakeGateway> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      void handler(recorded, res, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens (a port just freed), for "connection refused". */
export async function closedPortUrl(): Promise<string> {
  const gateway = await startFakeGateway(() => {});
  await gateway.close();
  return gateway.url;
}

export function reply(res: ServerResponse, status: number, body: string, contentType = "application/json") {
  res.writeHead(status, { "Content-Type": contentType });
  res.end(body);
}

/** Everything written through console.* while the spy is active, one string per call. */
export function spyOnLogs() {
  const lines: string[] = [];
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    }),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}

export const TEST_SECRETS = { OTP_SECRET: "t".repeat(32), NEXTAUTH_SECRET: "n".repeat(32) };

/** A full, validated configuration as lib/env would parse it, from test-specific variables. */
export function testEnv(vars: Record<string, string>): Env {
  return parseEnv({ NODE_ENV: "test", ...TEST_SECRETS, ...vars });
}

/**
 * One fake gateway for a test file: started before its tests, emptied and log-spied before each,
 * and after each test no log line may contain any of `secrets`. Tests set `fake.answer`.
 */
export function withFakeGateway(secrets: string[]) {
  const fake = {
    answer: ((_req, res) => reply(res, 500, "no answer set")) as GatewayHandler,
    gateway: undefined as unknown as FakeGateway,
    logs: undefined as unknown as ReturnType<typeof spyOnLogs>,
  };
  beforeAll(async () => {
    fake.gateway = await startFakeGateway((req, res, i) => fake.answer(req, res, i));
  });
  afterAll(() => fake.gateway.close());
  beforeEach(() => {
    fake.gateway.requests.length = 0;
    fake.logs = spyOnLogs();
  });
  afterEach(() => {
    for (const line of fake.logs.lines) for (const secret of secrets) expect(line).not.toContain(secret);
    fake.logs.restore();
  });
  return fake;
}
