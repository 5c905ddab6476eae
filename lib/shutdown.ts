/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, answer every request already in
 * flight (at most SHUTDOWN_GRACE_SECONDS), run the registered stop hooks (the job worker finishes
 * its current job), close the database (PGlite flushes to disk) and exit 0.
 *
 * `next start` (Next 16) has its own handler: it closes the HTTP server without a time limit, does
 * not close our database and exits 143. Ours replaces it (NEXT_MANUAL_SIG_HANDLE is read before
 * instrumentation runs, so we remove Next's listener instead). Next gives no handle on its HTTP
 * server: we learn it, and count requests in flight, from the server's own events.
 */
import http from "node:http";
import { log } from "./log";

type Hook = { name: string; run: () => Promise<void> | void };

const state = globalThis as unknown as {
  __otpShutdown?: { servers: Set<http.Server>; inFlight: number; shuttingDown: boolean; hooks: Hook[]; drained: (() => void)[] };
};

function shared() {
  return (state.__otpShutdown ??= { servers: new Set(), inFlight: 0, shuttingDown: false, hooks: [], drained: [] });
}

export function isShuttingDown(): boolean {
  return shared().shuttingDown;
}

/** Runs `run` during shutdown, after in-flight requests were answered and before the database closes. */
export function onShutdown(name: string, run: Hook["run"]) {
  shared().hooks.push({ name, run });
}

let patched = false;

/** Tracks HTTP servers and requests in flight. Idempotent; call once at server start. */
export function trackHttpRequests() {
  if (patched) return;
  patched = true;
  const s = shared();
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function trackedEmit(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "connection" || event === "request") s.servers.add(this);
    if (event === "request") {
      const res = args[1] as http.ServerResponse;
      s.inFlight += 1;
      // A request that arrives on a kept-alive connection during shutdown is answered, then the
      // connection closes so the client reconnects elsewhere.
      if (s.shuttingDown) res.shouldKeepAlive = false;
      res.once("close", () => {
        s.inFlight -= 1;
        if (s.inFlight === 0) s.drained.splice(0).forEach((resolve) => resolve());
      });
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}

function drained(graceMs: number): Promise<boolean> {
  const s = shared();
  if (s.inFlight === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), graceMs);
    s.drained.push(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * The shutdown sequence itself; `exit` is process.exit in the app. Exported for tests, which call
 * it on their own servers.
 */
export async function shutdown(opts: { graceMs: number; closeDatabase: () => Promise<void>; exit: (code: number) => void; signal?: string }) {
  const s = shared();
  if (s.shuttingDown) return;
  s.shuttingDown = true;
  const started = performance.now();
  log.info("shutting down", { signal: opts.signal, inFlight: s.inFlight, graceSeconds: opts.graceMs / 1000 });
  // close() stops listening and closes idle keep-alive connections; busy ones finish first.
  for (const server of s.servers) server.close();
  const allAnswered = await drained(opts.graceMs);
  if (!allAnswered) log.warn("shutdown grace period over; closing the remaining connections", { inFlight: s.inFlight });
  for (const server of s.servers) server.closeAllConnections();
  let code = 0;
  for (const hook of s.hooks) {
    try {
      await hook.run();
    } catch (error) {
      code = 1;
      log.error("shutdown hook failed", { hook: hook.name, error: (error as Error)?.name });
    }
  }
  try {
    await opts.closeDatabase();
  } catch (error) {
    code = 1;
    log.error("closing the database failed", { error: (error as Error)?.name });
  }
  log.info("shut down", { ms: Math.round(performance.now() - started), allAnswered });
  opts.exit(code);
}

/** Installs our SIGTERM/SIGINT handling in place of Next's. */
export function installGracefulShutdown(opts: { graceSeconds: number; closeDatabase: () => Promise<void> }) {
  trackHttpRequests();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      void shutdown({ graceMs: opts.graceSeconds * 1000, closeDatabase: opts.closeDatabase, exit: (code) => process.exit(code), signal });
    });
  }
}
