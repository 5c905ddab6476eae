// npm run db:purge -- [--older-than 90d] [--audit-older-than 365d] [--batch 5000] — deletes
// verifications (with their SMS and verify attempts) older than the given age, default
// VERIFICATION_RETENTION_DAYS, and audit events older than AUDIT_RETENTION_DAYS.
import { parseArgs } from "node:util";
import { parseAge, purgeAuditEvents, purgeVerifications, PURGE_BATCH_SIZE } from "../lib/admin/retention";
import { openDatabase, parseDatabaseUrl } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrations";
import { env } from "../lib/env";
import { purgeGuardData } from "../lib/otp/guard";
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
  const ageMs = values["older-than"] ? parseAge(values["older-than"]) : config.VERIFICATION_RETENTION_DAYS * 86_400_000;
  const batchSize = Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new Error("--batch must be between 1 and 100000");
  const cutoff = new Date(Date.now() - ageMs);
  const auditAgeMs = values["audit-older-than"] ? parseAge(values["audit-older-than"]) : config.AUDIT_RETENTION_DAYS * 86_400_000;
  const auditCutoff = new Date(Date.now() - auditAgeMs);

  const target = parseDatabaseUrl(config.DATABASE_URL);
  const database = await openDatabase(target, { poolSize: 1 });
  try {
    if (target.kind === "pglite") await applyMigrations(database.adapterFactory);
    console.log(`Deleting verifications created before ${cutoff.toISOString()} (${batchSize.toLocaleString("en")} per batch)…`);
    const started = performance.now();
    let lastPrint = 0;
    const result = await purgeVerifications(database.db, {
      cutoff,
      batchSize,
      onBatch: (r) => {
        if (performance.now() - lastPrint > 2000) {
          lastPrint = performance.now();
          console.log(`  ${r.verifications.toLocaleString("en")} verifications so far`);
        }
      },
    });
    const guard = await purgeGuardData(database.db, { now: new Date(), baselineDays: config.OTP_GUARD_BASELINE_DAYS, blocksBefore: cutoff });
    console.log(`Fraud guard: deleted ${guard.budgets} past budget rows, ${guard.traffic} traffic rows, ${guard.challenges} used challenges, ${guard.blocks} old blocks.`);
    console.log(
      `Deleted ${result.verifications.toLocaleString("en")} verifications, ${result.smsMessages.toLocaleString("en")} SMS attempts and ` +
        `${result.verifyAttempts.toLocaleString("en")} verify attempts in ${result.batches} batch(es), ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
    const audit = await purgeAuditEvents(database.db, { cutoff: auditCutoff, batchSize });
    console.log(`Deleted ${audit.toLocaleString("en")} audit events created before ${auditCutoff.toISOString()}.`);
  } finally {
    await database.close();
  }
});
