// npm run db:migrate:new -- <name> — writes prisma/migrations/<timestamp>_<name>/migration.sql from the schema diff.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { openDatabase } from "../lib/db/connection";
import { diffAgainstHistory, PRISMA_DIR } from "../lib/db/migrations";
import { runScript } from "./run-script";

runScript(async () => {
  const name = (process.argv[2] ?? "").replace(/[^a-zA-Z0-9_]/g, "_");
  if (!name) throw new Error("usage: npm run db:migrate:new -- <name>");
  // A fresh in-memory database replays the history; the diff is what the schema adds on top.
  const scratch = await openDatabase({ kind: "pglite", dataDir: undefined });
  try {
    const sql = await diffAgainstHistory(scratch.adapterFactory);
    if (!sql) return console.log("No schema changes: nothing written.");
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(PRISMA_DIR, "migrations", `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "migration.sql"), sql);
    console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  } finally {
    await scratch.close();
  }
});
