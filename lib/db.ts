/**
 * The app's Prisma client: one per process, cached on globalThis so Next.js hot reload reuses it.
 * On the embedded default, pending migrations are applied before the first query.
 */
import { env } from "./env";
import { applyMigrations } from "./db/migrations";
import { openDatabase, parseDatabaseUrl, type Db, type OpenDatabase } from "./db/connection";

export type { Db } from "./db/connection";

const globalForDb = globalThis as unknown as { __otpDb?: Promise<OpenDatabase> };

async function open(): Promise<OpenDatabase> {
  const config = env();
  const target = parseDatabaseUrl(config.DATABASE_URL);
  const opened = await openDatabase(target, { poolSize: config.DATABASE_POOL_SIZE });
  if (target.kind === "pglite") {
    const applied = await applyMigrations(opened.adapterFactory);
    if (applied.length) console.info(`[db] applied migrations: ${applied.join(", ")}`);
  }
  return opened;
}

export function getDatabase(): Promise<OpenDatabase> {
  if (!globalForDb.__otpDb) {
    globalForDb.__otpDb = open();
    // A failed open (e.g. server down) must not be cached forever: the next request retries.
    globalForDb.__otpDb.catch(() => {
      globalForDb.__otpDb = undefined;
    });
  }
  return globalForDb.__otpDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** Closes the database if it was opened (PGlite flushes and releases its directory lock). */
export async function closeDatabase(): Promise<void> {
  const opening = globalForDb.__otpDb;
  if (!opening) return;
  globalForDb.__otpDb = undefined;
  const database = await opening.catch(() => undefined);
  await database?.close();
}
