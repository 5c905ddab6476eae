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
import { runRetentionPurge, sweepExpiredVerifications } from "./handlers";
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

export async function startJobWorkers(boss: PgBoss, db: Db, settings: WorkerSettings, opts: { pollingIntervalSeconds?: number; now?: () => Date } = {}) {
  const now = opts.now ?? (() => new Date());
  const ctx = webhookJobContext(db, boss, settings, now);
  const work = { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2, batchSize: 1 };

  await boss.work<WebhookEvent>(JOB.webhookFanout, work, async ([job]) => {
    await fanOutWebhookEvent(ctx, job.data);
  });
  await boss.work<{ deliveryId: string; attempt?: number; manual?: boolean }>(JOB.webhookDeliver, { ...work, batchSize: 1 }, async ([job]) => {
    await attemptWebhookDelivery(ctx, job.data.deliveryId, { manual: job.data.manual, attempt: job.data.attempt });
  });
  await boss.work(JOB.expirySweep, work, async () => {
    const result = await sweepExpiredVerifications(db, now());
    if (result.expired) log.info("expired verifications swept", result);
  });
  await boss.work(JOB.retentionPurge, work, async () => {
    log.info("retention purge done", { ...(await runRetentionPurge(db, settings, now())) });
  });
  const pollsMshastra = Boolean(settings.MSHASTRA_DLR_URL && settings.SMS_PROVIDER.includes("mshastra"));
  await boss.work(JOB.deliveryReportPoll, work, async () => {
    if (pollsMshastra) await pollMshastraDeliveryReports(db, settings, { now });
  });

  await boss.schedule(JOB.expirySweep, SCHEDULES[JOB.expirySweep]);
  await boss.schedule(JOB.retentionPurge, SCHEDULES[JOB.retentionPurge]);
  // mShastra reports delivery only when asked; one poll a minute across all instances.
  if (pollsMshastra) await boss.schedule(JOB.deliveryReportPoll, SCHEDULES[JOB.deliveryReportPoll]);
  else await boss.unschedule(JOB.deliveryReportPoll);
}
