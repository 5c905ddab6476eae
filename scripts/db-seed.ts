// npm run db:seed -- --rows 1000000 [--days 30] — fills the configured database (DATABASE_URL) with
// realistic verifications, SMS attempts, verify attempts, users and rate-limit events.
import { parseArgs } from "node:util";
import { analyzeAdminTables, seedAdminData } from "../lib/admin/seed";
import { openDatabase, parseDatabaseUrl } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrations";
import { env } from "../lib/env";
import { runScript } from "./run-script";

runScript(async () => {
  const { values } = parseArgs({
    options: { rows: { type: "string", default: "1000" }, days: { type: "string", default: "30" } },
  });
  const rows = Number(values.rows);
  const days = Number(values.days);
  if (!Number.isInteger(rows) || rows < 1 || rows > 50_000_000) throw new Error("--rows must be a whole number between 1 and 50,000,000");
  if (!(days > 0 && days <= 3650)) throw new Error("--days must be between 0 and 3650");

  const target = parseDatabaseUrl(env().DATABASE_URL);
  const database = await openDatabase(target, { poolSize: 1 });
  try {
    await applyMigrations(database.adapterFactory);
    const started = performance.now();
    let lastPrint = 0;
    const result = await seedAdminData(database.db, {
      rows,
      days,
      onProgress: (done, total) => {
        if (performance.now() - lastPrint > 2000 || done === total) {
          lastPrint = performance.now();
          console.log(`  ${done.toLocaleString("en")} / ${total.toLocaleString("en")} verifications`);
        }
      },
    });
    await analyzeAdminTables(database.db);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Seeded in ${seconds} s: ${result.verifications.toLocaleString("en")} verifications, ` +
        `${result.smsMessages.toLocaleString("en")} SMS attempts, ${result.verifyAttempts.toLocaleString("en")} verify attempts, ` +
        `${result.users.toLocaleString("en")} users, ${result.auditEvents.toLocaleString("en")} rate-limit events.`,
    );
  } finally {
    await database.close();
  }
});
