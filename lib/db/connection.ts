/**
 * Opens the configured database: embedded PGlite for a directory (or nothing: ./data/pglite),
 * a PostgreSQL server through a pooled `pg` connection for postgres:// URLs.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client";
import { setPoolStats } from "../metrics";
import { lockDataDir } from "./pglite-lock";

export type Db = PrismaClient;

export type DatabaseTarget =
  | { kind: "postgres"; url: string }
  | { kind: "pglite"; dataDir: string | undefined /* undefined = in memory */ };

export const DEFAULT_PGLITE_DIR = path.join("data", "pglite");

/** Reads DATABASE_URL: postgres(ql)://… → server; memory:// → in-memory; file:dir, a path or unset → PGlite dir. */
export function parseDatabaseUrl(url: string | undefined): DatabaseTarget {
  const value = url?.trim();
  if (!value) return { kind: "pglite", dataDir: DEFAULT_PGLITE_DIR };
  if (/^postgres(ql)?:\/\//i.test(value)) {
    new URL(value); // throws on a malformed URL; the caller turns it into a one-line error
    return { kind: "postgres", url: value };
  }
  if (value === "memory://" || value === "memory:") return { kind: "pglite", dataDir: undefined };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith("file:")) {
    throw new Error(`DATABASE_URL must be postgres://…, postgresql://…, file:<dir>, memory:// or a directory path`);
  }
  return { kind: "pglite", dataDir: value.replace(/^file:(\/\/)?/, "") };
}

export type OpenDatabase = {
  db: Db;
  target: DatabaseTarget;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** The embedded database itself (PGlite only): the job queue runs its SQL on it in-process. */
  pglite?: PGlite;
  close(): Promise<void>;
};

/**
 * `connectionTimeoutMs`: how long a query waits for a free pooled connection (PostgreSQL; 5 s).
 * `pgliteSnapshot`: an in-memory PGlite starts as a copy of this dumped data directory (the test
 * harness migrates once per run and copies it per suite).
 */
export async function openDatabase(target: DatabaseTarget, opts: { poolSize?: number; connectionTimeoutMs?: number; pgliteSnapshot?: Blob } = {}): Promise<OpenDatabase> {
  if (target.kind === "postgres") {
    // Our own pool (ended with the adapter), so its usage can be reported as a metric.
    const max = opts.poolSize ?? 10;
    const pool = new pg.Pool({ connectionString: target.url, max, connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5_000 });
    const adapterFactory = new PrismaPg(pool, { disposeExternalPool: true });
    const db = new PrismaClient({ adapter: adapterFactory });
    setPoolStats(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }));
    return {
      db,
      target,
      adapterFactory,
      close: async () => {
        await db.$disconnect();
        if (!pool.ended) await pool.end();
      },
    };
  }
  let unlock = () => {};
  if (target.dataDir) {
    mkdirSync(path.resolve(target.dataDir), { recursive: true });
    unlock = await lockDataDir(target.dataDir);
  }
  try {
    const pglite = target.dataDir ? new PGlite(path.resolve(target.dataDir)) : new PGlite(opts.pgliteSnapshot ? { loadDataDir: opts.pgliteSnapshot } : undefined);
    await pglite.waitReady;
    const adapterFactory = new PrismaPGlite(pglite);
    const db = new PrismaClient({ adapter: adapterFactory });
    setPoolStats(() => ({ total: 1, max: 1 })); // in-process: one connection, queries queue inside PGlite
    return {
      db,
      target,
      adapterFactory,
      pglite,
      close: async () => {
        await db.$disconnect();
        await pglite.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
