/**
 * App wiring for the job queue: one pg-boss per process on the app's database, cached on
 * globalThis. An instance with JOBS=on opens it at start and works jobs; one with JOBS=off opens it
 * only when it first needs to queue something (a subscribed webhook event, a redelivery), so a web
 * instance neither starts pg-boss nor installs its schema at start. On SIGTERM the workers stop
 * fetching at once and the job running finishes within the grace period, before the database closes.
 */
import "server-only";
import type PgBoss from "pg-boss";
import { getDatabase } from "../db";
import type { OpenDatabase } from "../db/connection";
import { env } from "../env";
import { log } from "../log";
import { setWebhookBacklog } from "../metrics";
import { onShutdown, onShutdownStart } from "../shutdown";
import { attachWebhookEvents } from "../webhooks/events";
import { openQueue } from "./queue";
import { startJobWorkers, type JobWorkers } from "./worker";

const globalForJobs = globalThis as unknown as { __otpJobs?: Promise<PgBoss> };

/**
 * The shutdown hooks of an open queue: workers stop fetching when the signal arrives; after the
 * requests in flight are answered, the running job gets what is left of the grace period, then
 * pg-boss stops (a job still running then is failed in the queue and retried by the next worker).
 */
export function stopQueueOnShutdown(boss: PgBoss, workers: JobWorkers | undefined) {
  if (workers) onShutdownStart("job workers", () => workers.stopFetching());
  onShutdown("job queue", async (remainingMs) => {
    const idle = workers ? await workers.idle(remainingMs) : true;
    if (!idle) log.warn("shutdown grace period over with a job running; the queue retries it");
    // Our own wait replaces pg-boss's (it polls every 500 ms and waits at least a second).
    await boss.stop({ graceful: false, close: true });
  });
}

async function open(): Promise<PgBoss> {
  const config = env();
  const database = await getDatabase();
  const boss = await openQueue(database, { work: config.JOBS });
  boss.on("error", (error) => log.error("job queue error", { error: (error as Error)?.name, message: (error as Error)?.message?.slice(0, 200) }));
  connectEvents(database);
  const workers = config.JOBS ? await startJobWorkers(boss, database.db, config) : undefined;
  stopQueueOnShutdown(boss, workers);
  log.info("job queue ready", { working: config.JOBS });
  return boss;
}

/** The queue, opened on first use. */
export function getJobQueue(): Promise<PgBoss> {
  if (!globalForJobs.__otpJobs) {
    globalForJobs.__otpJobs = open();
    globalForJobs.__otpJobs.catch(() => {
      globalForJobs.__otpJobs = undefined;
    });
  }
  return globalForJobs.__otpJobs;
}

/** Webhook events from this database go to the queue, which opens on the first one subscribed. */
function connectEvents(database: OpenDatabase) {
  attachWebhookEvents(database.db, getJobQueue);
  setWebhookBacklog(() => database.db.webhookDelivery.count({ where: { status: "pending" } }));
}

/**
 * At server start: JOBS=on opens the queue and starts its workers and schedules; JOBS=off only
 * connects the webhook events to a queue opened on demand.
 */
export async function startJobRuntime(): Promise<void> {
  if (env().JOBS) await getJobQueue();
  else connectEvents(await getDatabase());
}
