/** The queue's job names (no pg-boss import: the hot path imports these). */
export const JOB = {
  webhookFanout: "webhook-fanout",
  webhookDeliver: "webhook-deliver",
  deliveryReportPoll: "sms-delivery-report-poll",
  retentionPurge: "retention-purge",
  expirySweep: "verification-expiry-sweep",
} as const;
export type JobName = (typeof JOB)[keyof typeof JOB];
