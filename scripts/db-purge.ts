// npm run db:purge -- [--older-than 90d] [--audit-older-than 365d] [--batch 5000] — the daily
// retention job's purge, now: verifications (with their SMS and verify attempts), ended fraud-guard
// blocks and finished webhook deliveries older than the given age, default
// VERIFICATION_RETENTION_DAYS, and audit events older than AUDIT_RETENTION_DAYS.
import { parseArgs } from "node:util";
import { parseAge, retentionCutoffs, runRetentionPurge, PURGE_BATCH_SIZE } from "../lib/admin/retention";
import { openDatabase, parseDatabaseUrl } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrations";
import { env } from "../lib/env";
import { runScript } from "./run-script";

runScript(async () => {
  const { values } = parseArgs({
    options: {
      "older-than": { type: "string" },
      "audit-older-than": { type: "string" },
      batch: { type: "string", default: String(PURGE_BATCH_SIZE) },
    },
  });
  const config = env();
  const ages = {
    verificationsMs: values["older-than"] ? parseAge(values["older-than"]) : undefined,
    auditEventsMs: values["audit-older-than"] ? parseAge(values["audit-older-than"]) : undefined,
  };
  const batchSize = Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new Error("--batch must be between 1 and 100000");
  const now = new Date();
  const cutoffs = retentionCutoffs(config, now, ages);

  const target = parseDatabaseUrl(config.DATABASE_URL);
  const database = await openDatabase(target, { poolSize: 1 });
  try {
    if (target.kind === "pglite") await applyMigrations(database.adapterFactory);
    console.log(`Deleting verifications created before ${cutoffs.verifications.toISOString()} (${batchSize.toLocaleString("en")} per batch)…`);
    const started = performance.now();
    let lastPrint = 0;
    const result = await runRetentionPurge(database.db, config, now, {
      ages,
      batchSize,
      onBatch: (r) => {
        if (performance.now() - lastPrint > 2000) {
          lastPrint = performance.now();
          console.log(`  ${r.verifications.toLocaleString("en")} verifications so far`);
        }
      },
    });
    const { guard } = result;
    console.log(
      `Deleted ${result.verifications.toLocaleString("en")} verifications, ${result.smsMessages.toLocaleString("en")} SMS attempts and ` +
        `${result.verifyAttempts.toLocaleString("en")} verify attempts in ${result.batches} batch(es), ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
    console.log(`Fraud guard: deleted ${guard.budgets} past budget rows, ${guard.traffic} traffic rows, ${guard.challenges} used challenges, ${guard.blocks} old blocks.`);
    console.log(`Deleted ${result.webhookDeliveries.toLocaleString("en")} finished webhook deliveries with their attempts.`);
    console.log(`Deleted ${result.auditEvents.toLocaleString("en")} audit events created before ${cutoffs.auditEvents.toISOString()}.`);
  } finally {
    await database.close();
  }
});
