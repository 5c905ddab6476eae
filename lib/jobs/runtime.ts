/**
 * App wiring for the job queue: one pg-boss per process on the app's database, cached on
 * globalThis. Every instance opens it (route handlers queue webhook events and redeliveries);
 * only instances with JOBS=on work jobs. Shutdown stops the workers after their current job,
 * before the database closes.
 */
import "server-only";
import type PgBoss from "pg-boss";
import { getDatabase } from "../db";
import { env } from "../env";
import { log } from "../log";
import { setWebhookBacklog } from "../metrics";
import { onShutdown } from "../shutdown";
import { attachWebhookEvents } from "../webhooks/events";
import { openQueue } from "./queue";
import { startJobWorkers } from "./worker";

const globalForJobs = globalThis as unknown as { __otpJobs?: Promise<PgBoss> };

async function open(): Promise<PgBoss> {
  const config = env();
  const database = await getDatabase();
  const boss = await openQueue(database, { work: config.JOBS });
  boss.on("error", (error) => log.error("job queue error", { error: (error as Error)?.name, message: (error as Error)?.message?.slice(0, 200) }));
  attachWebhookEvents(database.db, boss);
  setWebhookBacklog(() => database.db.webhookDelivery.count({ where: { status: "pending" } }));
  if (config.JOBS) await startJobWorkers(boss, database.db, config);
  onShutdown("job queue", () => boss.stop({ graceful: true, wait: true, close: true, timeout: Math.max(1, config.SHUTDOWN_GRACE_SECONDS) * 1000 }));
  log.info("job queue ready", { working: config.JOBS });
  return boss;
}

export function getJobQueue(): Promise<PgBoss> {
  if (!globalForJobs.__otpJobs) {
    globalForJobs.__otpJobs = open();
    globalForJobs.__otpJobs.catch(() => {
      globalForJobs.__otpJobs = undefined;
    });
  }
  return globalForJobs.__otpJobs;
}
