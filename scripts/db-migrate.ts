// npm run db:migrate — applies prisma/migrations to the configured database (DATABASE_URL).
import { openDatabase, parseDatabaseUrl } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrations";
import { env } from "../lib/env";
import { runScript } from "./run-script";

runScript(async () => {
  const target = parseDatabaseUrl(env().DATABASE_URL);
  const database = await openDatabase(target, { poolSize: 1 });
  try {
    const applied = await applyMigrations(database.adapterFactory);
    const where = target.kind === "postgres" ? "PostgreSQL" : `PGlite (${target.dataDir ?? "memory"})`;
    console.log(applied.length ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(", ")}` : `${where} is up to date.`);
  } finally {
    await database.close();
  }
});
