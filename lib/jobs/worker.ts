/**
 * Registers this instance's job handlers and the cron schedules (JOBS=on). Schedules are upserts
 * kept in the queue's database, so every working instance may register them; each tick runs once.
 */
import type PgBoss from "pg-boss";
import type { Db } from "../db/connection";
import type { Env } from "../env";
import { log } from "../log";
import { pollMshastraDeliveryReports } from "../sms/delivery-reports";
import { attemptWebhookDelivery, fanOutWebhookEvent, type WebhookJobContext } from "../webhooks/deliver";
import type { WebhookEvent } from "../webhooks/events";
import { runRetentionPurge } from "../admin/retention";
import { sweepExpiredVerifications } from "./handlers";
import { JOB } from "./queue";

export const SCHEDULES = {
  [JOB.expirySweep]: "* * * * *",
  [JOB.deliveryReportPoll]: "* * * * *",
  // Daily, at a quiet time (UTC).
  [JOB.retentionPurge]: "17 3 * * *",
} as const;

export type WorkerSettings = Pick<
  Env,
  | "OTP_SECRET"
  | "WEBHOOK_ALLOW_PRIVATE"
  | "WEBHOOK_TIMEOUT_MS"
  | "isProduction"
  | "MSHASTRA_DLR_URL"
  | "MSHASTRA_USER"
  | "MSHASTRA_PASSWORD"
  | "SMS_PROVIDER"
  | "VERIFICATION_RETENTION_DAYS"
  | "AUDIT_RETENTION_DAYS"
  | "OTP_GUARD_BASELINE_DAYS"
>;

/** Private webhook targets: allowed outside production, and in production only when asked for. */
export function allowsPrivateWebhooks(settings: Pick<Env, "WEBHOOK_ALLOW_PRIVATE" | "isProduction">): boolean {
  return settings.WEBHOOK_ALLOW_PRIVATE || !settings.isProduction;
}

export function webhookJobContext(db: Db, boss: PgBoss, settings: WorkerSettings, now = () => new Date()): WebhookJobContext {
  return { db, boss, secret: settings.OTP_SECRET, allowPrivate: allowsPrivateWebhooks(settings), timeoutMs: settings.WEBHOOK_TIMEOUT_MS, now };
}

/** This instance's workers, for shutdown: stop taking jobs, then wait for the ones running. */
export type JobWorkers = {
  /** The workers fetch no more jobs (one whose fetch was already on its way still runs). */
  stopFetching(): Promise<void>;
  /**
   * Resolves true once no job of this instance runs, or false when `timeoutMs` passed first. After
   * it resolves, a job that still arrives is refused (pg-boss fails it and retries it later).
   */
  idle(timeoutMs: number): Promise<boolean>;
};

export class WorkerStoppedError extends Error {
  constructor() {
    super("worker stopped: job left for the next worker");
  }
}

export async function startJobWorkers(
  boss: PgBoss,
  db: Db,
  settings: WorkerSettings,
  opts: { pollingIntervalSeconds?: number; now?: () => Date } = {},
): Promise<JobWorkers> {
  const now = opts.now ?? (() => new Date());
  const ctx = webhookJobContext(db, boss, settings, now);
  const work = { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2, batchSize: 1 };
  let stopped = false;
  let running = 0;
  let onIdle: (() => void)[] = [];
  // pg-boss's own "work in progress" misses a job whose fetch was in flight when it stopped (the
  // handler then runs while the database closes); counting around our handlers sees every one.
  const counted =
    <T>(handler: (jobs: PgBoss.Job<T>[]) => Promise<void>) =>
    async (jobs: PgBoss.Job<T>[]) => {
      if (stopped) throw new WorkerStoppedError();
      running += 1;
      try {
        await handler(jobs);
      } finally {
        running -= 1;
        if (running === 0) onIdle.splice(0).forEach((resolve) => resolve());
      }
    };

  // pg-boss waits its polling interval after every fetch, even one that found a job: one event per
  // 2 s per queue. The busy queues ask for their next job at once instead, until the queue is empty.
  const workerIds: Partial<Record<string, string>> = {};
  const thenFetchAgain =
    <T>(name: string, handler: (jobs: PgBoss.Job<T>[]) => Promise<void>) =>
    async (jobs: PgBoss.Job<T>[]) => {
      try {
        await handler(jobs);
      } finally {
        const id = workerIds[name];
        if (!stopped && id) boss.notifyWorker(id);
      }
    };
  workerIds[JOB.webhookFanout] = await boss.work<WebhookEvent>(JOB.webhookFanout, work, thenFetchAgain(JOB.webhookFanout, counted(async ([job]) => {
    await fanOutWebhookEvent(ctx, job.data);
  })));
  workerIds[JOB.webhookDeliver] = await boss.work<{ deliveryId: string; attempt?: number; manual?: boolean }>(JOB.webhookDeliver, work, thenFetchAgain(JOB.webhookDeliver, counted(async ([job]) => {
    await attemptWebhookDelivery(ctx, job.data.deliveryId, { manual: job.data.manual, attempt: job.data.attempt });
  })));
  await boss.work(JOB.expirySweep, work, counted(async () => {
    const result = await sweepExpiredVerifications(db, now());
    if (result.expired) log.info("expired verifications swept", result);
  }));
  await boss.work(JOB.retentionPurge, work, counted(async () => {
    const { cutoffs, ...result } = await runRetentionPurge(db, settings, now());
    log.info("retention purge done", { ...result, before: cutoffs.verifications.toISOString() });
  }));
  const pollsMshastra = Boolean(settings.MSHASTRA_DLR_URL && settings.SMS_PROVIDER.includes("mshastra"));
  await boss.work(JOB.deliveryReportPoll, work, counted(async () => {
    if (pollsMshastra) await pollMshastraDeliveryReports(db, settings, { now });
  }));

  await boss.schedule(JOB.expirySweep, SCHEDULES[JOB.expirySweep]);
  await boss.schedule(JOB.retentionPurge, SCHEDULES[JOB.retentionPurge]);
  // mShastra reports delivery only when asked; one poll a minute across all instances.
  if (pollsMshastra) await boss.schedule(JOB.deliveryReportPoll, SCHEDULES[JOB.deliveryReportPoll]);
  else await boss.unschedule(JOB.deliveryReportPoll);

  return {
    async stopFetching() {
      for (const name of Object.values(JOB)) await boss.offWork(name);
    },
    async idle(timeoutMs) {
      const isIdle =
        running === 0 ||
        (await new Promise<boolean>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            resolve(true);
          };
          const timer = setTimeout(() => {
            onIdle = onIdle.filter((waiter) => waiter !== done);
            resolve(false);
          }, timeoutMs);
          onIdle.push(done);
        }));
      stopped = true;
      // pg-boss marks a job completed (and forgets it) in the microtasks after our handler returns;
      // let that happen first, or stopping would also "fail" a job that just succeeded.
      await new Promise((resolve) => setImmediate(resolve));
      return isIdle;
    },
  };
}
