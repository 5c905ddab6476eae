/**
 * The job queue: pg-boss on the application's own database, so no Redis and one backup. Chosen over
 * graphile-worker because pg-boss accepts any object with `executeSql(text, values)` as its
 * database: on embedded PGlite it runs in-process on the same PGlite instance, while
 * graphile-worker needs a `pg` Pool and LISTEN/NOTIFY over a real connection (docs/operations.md).
 * pg-boss 10 is the last major that supports Node 20.
 *
 * Each job is fetched by one worker (SELECT … FOR UPDATE SKIP LOCKED), so it runs once however many
 * instances work; jobs are rows, so they survive restarts; a job whose worker died expires and is
 * retried. Cron schedules are kept in the database and fire once per tick across instances.
 */
import PgBoss from "pg-boss";
import type { PGlite } from "@electric-sql/pglite";
import type { OpenDatabase } from "../db/connection";
import { JOB } from "./names";

export { JOB } from "./names";

/** pg-boss's own tables live in this schema (pgboss.job, pgboss.queue, pgboss.schedule, …). */
export const JOB_SCHEMA = "pgboss";

/** pg-boss's database interface, served by PGlite in-process (multi-statement SQL goes to exec). */
function pgliteExecutor(pglite: PGlite) {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values?.length) return pglite.query(text, values);
      const results = await pglite.exec(text);
      return results.at(-1) ?? { rows: [] };
    },
  };
}

export type QueueOptions = {
  /** Run pg-boss's maintenance and cron timekeeping here (instances with JOBS=on). */
  work: boolean;
  /** Connections pg-boss may open on PostgreSQL (its own small pool). */
  poolSize?: number;
};

/** Opens (and on first use installs) the queue on the given database; creates our queues. */
export async function openQueue(database: OpenDatabase, opts: QueueOptions): Promise<PgBoss> {
  const common = { schema: JOB_SCHEMA, supervise: opts.work, schedule: opts.work, migrate: true };
  const boss =
    database.target.kind === "postgres"
      ? new PgBoss({ ...common, connectionString: database.target.url, max: opts.poolSize ?? 3, application_name: "phoneotp-jobs" })
      : new PgBoss({ ...common, db: pgliteExecutor(database.pglite!) });
  await boss.start();
  for (const name of Object.values(JOB)) {
    // Webhook jobs are retried by pg-boss only when the handler itself failed (e.g. the database
    // was down); an endpoint that answers badly is retried on our own schedule (lib/webhooks).
    await boss.createQueue(name, { name, retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 15 * 60 });
  }
  return boss;
}
