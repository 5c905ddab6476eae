/**
 * Server start: check the configuration (one line per bad variable, then exit), then open — and on
 * the embedded default, migrate — the database so the first request does not pay for it.
 */
import { parseDatabaseUrl } from "./db/connection";
import { describeDatabaseError } from "./db/errors";
import { pendingMigrations } from "./db/migrations";
import { DatabaseInUseError } from "./db/pglite-lock";
import { closeDatabase, getDatabase } from "./db";
import { startJobRuntime } from "./jobs/runtime";
import { smsTemplateWarnings } from "./sms/segments";
import { env, EnvError } from "./env";
import { installGracefulShutdown } from "./shutdown";
import { installSocketIpHeader } from "./socket-ip";

/** Stops the start with one line per problem: "Configuration error: …" or "Database error: …". */
function fail(lines: string[], kind = "Configuration"): never {
  for (const line of lines) console.error(`${kind} error: ${line}`);
  process.exit(1);
}

export async function startServer() {
  installSocketIpHeader();
  try {
    env();
  } catch (error) {
    if (error instanceof EnvError) fail(error.problems);
    throw error;
  }
  warnAboutConfiguration();
  installGracefulShutdown({ graceSeconds: env().SHUTDOWN_GRACE_SECONDS, closeDatabase });
  try {
    parseDatabaseUrl(env().DATABASE_URL);
  } catch (error) {
    fail([`DATABASE_URL: ${(error as Error).message.split("\n")[0].replace(/^DATABASE_URL:? /, "")}`]);
  }
  const reachable = await checkDatabase();
  await startJobs(reachable);
}

/** Allowed, but probably not what a production operator meant: one line each, at start. */
function warnAboutConfiguration() {
  const config = env();
  // Every environment: a template that needs two segments is found before the first bill.
  for (const warning of smsTemplateWarnings(config)) console.warn(`Configuration warning: ${warning}`);
  if (!config.isProduction) return;
  if (!config.NEXTAUTH_URL) {
    console.warn("Configuration warning: NEXTAUTH_URL is not set: sign-in links and redirects are built from each request's Host header; set it to the public URL");
  }
  if (config.OTP_SECRET === config.NEXTAUTH_SECRET) {
    console.warn("Configuration warning: OTP_SECRET and NEXTAUTH_SECRET are the same: give each its own random value");
  }
}

/**
 * Opens the database once before the first request. A database that is in use by another process
 * (embedded) or lacks migrations (server) stops the start: this version cannot run on it. One that
 * cannot be reached is not fatal — /api/health answers 503 and each request retries the connection.
 */
async function checkDatabase(): Promise<boolean> {
  try {
    const database = await getDatabase();
    if (database.target.kind !== "postgres") return true; // the embedded database migrated itself on open
    const pending = await pendingMigrations(database.db);
    if (pending.length) {
      const names = pending.length > 3 ? `${pending.slice(0, 3).join(", ")}, …` : pending.join(", ");
      fail([`${pending.length} migration${pending.length === 1 ? " is" : "s are"} not applied (${names}): run npm run db:migrate with this DATABASE_URL`], "Database");
    }
    return true;
  } catch (error) {
    if (error instanceof DatabaseInUseError) fail([error.message], "Database");
    console.error(`Database not reachable yet: ${describeDatabaseError(error)}; /api/health answers 503 until it is`);
    return false;
  }
}

/**
 * Starts the job queue (webhooks, mShastra delivery-report polling, the daily purge, the expiry
 * sweep; lib/jobs): opened now with JOBS=on, on first use with JOBS=off. Not fatal: without it the
 * API still answers, and the next request that needs the queue retries.
 */
async function startJobs(databaseReachable: boolean, retryMs = 5_000) {
  try {
    await startJobRuntime();
  } catch (error) {
    // An unreachable database was already reported in one line; keep trying quietly until it is up,
    // so webhooks, polling and sweeps start without a restart.
    if (databaseReachable) console.error(`Job queue not started: ${describeDatabaseError(error)}; retrying`);
    setTimeout(() => void startJobs(false, Math.min(retryMs * 2, 60_000)), retryMs).unref();
  }
}
