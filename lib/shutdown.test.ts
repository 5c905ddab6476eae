import { createServer } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { isShuttingDown, onShutdown, onShutdownStart, shutdown, trackHttpRequests } from "./shutdown";

it("stops taking work at the signal, answers requests in flight, cuts off the ones past the grace period, then runs the stop hooks with what is left of it, closes the database and exits 0", async () => {
  trackHttpRequests();
  let seen = 0;
  const server = createServer((req, res) => {
    seen += 1;
    if (req.url === "/slow") setTimeout(() => res.end("done"), 300);
    // "/hang" never answers: only the grace period ends it.
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const order: string[] = [];
  let leftForHooks: number | undefined;
  onShutdownStart("worker", () => {
    order.push("worker stops fetching");
  });
  onShutdown("worker", (remainingMs) => {
    leftForHooks = remainingMs;
    order.push("worker stopped");
  });
  const slow = fetch(`${url}/slow`).then(async (r) => {
    order.push("slow answered");
    return { status: r.status, body: await r.text() };
  });
  const hang = fetch(`${url}/hang`).then(
    () => "answered",
    () => "cut off",
  );
  // Both requests in flight: wait until the server has them (a fixed wait saw none under load).
  for (const deadline = Date.now() + 10_000; seen < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
  expect(seen).toBe(2);

  let exitCode: number | undefined;
  const started = Date.now();
  const done = shutdown({
    graceMs: 1_000,
    closeDatabase: async () => {
      order.push("database closed");
    },
    exit: (code) => {
      exitCode = code;
    },
  });
  expect(isShuttingDown()).toBe(true);
  await new Promise((r) => setTimeout(r, 50));
  // No new connections (a raw socket: fetch could queue on a kept-alive one, which is answered).
  const refused = await new Promise((resolve) => {
    const socket = connect((server.address() as AddressInfo | null)?.port ?? Number(new URL(url).port), "127.0.0.1");
    socket.on("connect", () => resolve("connected"));
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code));
  });
  expect(refused).toBe("ECONNREFUSED");

  await done;
  expect(await slow).toEqual({ status: 200, body: "done" });
  expect(await hang).toBe("cut off");
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(order).toEqual(["worker stops fetching", "slow answered", "worker stopped", "database closed"]);
  // One deadline: the hanging request used the whole grace period, so the hooks get nothing more.
  expect(leftForHooks).toBeLessThan(100);
  expect(exitCode).toBe(0);
});
