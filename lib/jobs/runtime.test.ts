import type PgBoss from "pg-boss";
import { afterAll, expect, it } from "vitest";
import { adminActor } from "@/lib/admin/testing";
import { describeEachDatabase } from "@/test/db";
import { stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";
import { TEST_SECRETS } from "@/test/otp-context";
import type { Db } from "@/lib/db/connection";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { detachWebhookEvents, emitWebhookEvent } from "@/lib/webhooks/events";
import { JOB_SCHEMA } from "./queue";
import { startJobRuntime } from "./runtime";

stubRouteEnv({ JOBS: "off" });

const jobs = globalThis as { __otpJobs?: Promise<PgBoss> };

async function hasQueueSchema(db: Db): Promise<boolean> {
  const [row] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = ${JOB_SCHEMA}`;
  return row.n > 0;
}

describeEachDatabase("a JOBS=off instance", (use) => {
  useDatabaseForRoutes(use);
  afterAll(async () => {
    detachWebhookEvents(use().db);
    const boss = await jobs.__otpJobs;
    jobs.__otpJobs = undefined;
    await boss?.stop({ graceful: false, close: true });
  });

  it("starts without opening pg-boss or installing its schema, and opens it on the first subscribed event", async () => {
    const { db } = use();
    expect(await hasQueueSchema(db)).toBe(false);
    await startJobRuntime();
    expect(jobs.__otpJobs).toBeUndefined();
    expect(await hasQueueSchema(db)).toBe(false);

    // An event nobody subscribes to needs no queue either.
    await emitWebhookEvent(db, "sms.failed", { verificationId: "v-nobody" });
    expect(jobs.__otpJobs).toBeUndefined();

    await createWebhookEndpoint(db, { url: "http://127.0.0.1:9/hooks", events: ["sms.failed"] }, { admin: await adminActor(db) }, { secret: TEST_SECRETS.OTP_SECRET, allowPrivate: true });
    await emitWebhookEvent(db, "sms.failed", { verificationId: "v-lazy" });
    expect(jobs.__otpJobs).toBeDefined();
    const queued = await db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT data->'data'->>'verificationId' AS id FROM ${JOB_SCHEMA}.job WHERE name = 'webhook-fanout'`,
    );
    expect(queued).toEqual([{ id: "v-lazy" }]);
  });
});
