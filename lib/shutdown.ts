/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections and, at the same moment, run the
 * start hooks (the job workers stop fetching); answer every request already in flight; run the stop
 * hooks (the job a worker is running finishes); close the database (PGlite flushes to disk) and exit
 * 0. One deadline, SHUTDOWN_GRACE_SECONDS after the signal, bounds the requests and the hooks together.
 *
 * `next start` (Next 16) has its own handler: it closes the HTTP server without a time limit, does
 * not close our database and exits 143. Ours replaces it (NEXT_MANUAL_SIG_HANDLE is read before
 * instrumentation runs, so we remove Next's listener instead). Next gives no handle on its HTTP
 * server: we learn it, and count requests in flight, from the server's own events.
 */
import http from "node:http";
import { log } from "./log";

/** `remainingMs`: what is left of the grace period when the hook runs (0 once it is over). */
type Hook = { name: string; run: (remainingMs: number) => Promise<void> | void };

const state = globalThis as unknown as {
  __otpShutdown?: { servers: Set<http.Server>; inFlight: number; shuttingDown: boolean; startHooks: Hook[]; hooks: Hook[]; drained: (() => void)[] };
};

function shared() {
  return (state.__otpShutdown ??= { servers: new Set(), inFlight: 0, shuttingDown: false, startHooks: [], hooks: [], drained: [] });
}

export function isShuttingDown(): boolean {
  return shared().shuttingDown;
}

/**
 * Runs `run` as soon as shutdown begins, while the requests in flight are still being answered: for
 * work that must not start any more (job fetching). It must not stop what those requests need.
 */
export function onShutdownStart(name: string, run: () => Promise<void> | void) {
  shared().startHooks.push({ name, run });
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
  const remainingMs = () => Math.max(0, Math.round(started + opts.graceMs - performance.now()));
  log.info("shutting down", { signal: opts.signal, inFlight: s.inFlight, graceSeconds: opts.graceMs / 1000 });
  let code = 0;
  const run = async (hook: Hook) => {
    try {
      await hook.run(remainingMs());
    } catch (error) {
      code = 1;
      log.error("shutdown hook failed", { hook: hook.name, error: (error as Error)?.name });
    }
  };
  const starting = Promise.all(s.startHooks.map(run));
  // close() stops listening and closes idle keep-alive connections; busy ones finish first.
  for (const server of s.servers) server.close();
  const allAnswered = await drained(opts.graceMs);
  if (!allAnswered) log.warn("shutdown grace period over; closing the remaining connections", { inFlight: s.inFlight });
  for (const server of s.servers) server.closeAllConnections();
  await starting;
  for (const hook of s.hooks) await run(hook);
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
