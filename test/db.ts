/**
 * Test databases: every suite gets a fresh, migrated database of each kind — in-memory PGlite always,
 * and a PostgreSQL database created (and dropped afterwards) when TEST_POSTGRES_URL is set.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { openDatabase, type Db, type OpenDatabase } from "@/lib/db/connection";
import { applyMigrations } from "@/lib/db/migrations";

export type DatabaseKind = "pglite" | "postgres";

// Read here, not via lib/env: this is the test harness's own switch, not app configuration.
const POSTGRES_URL = process.env.TEST_POSTGRES_URL?.trim() || undefined;

export const DATABASE_KINDS: DatabaseKind[] = POSTGRES_URL ? ["pglite", "postgres"] : ["pglite"];

export type TestDatabase = OpenDatabase & { kind: DatabaseKind; url?: string; drop(): Promise<void> };

/** Creates a fresh migrated database. `drop()` closes it and, on PostgreSQL, drops it. */
export async function createTestDatabase(kind: DatabaseKind, opts: { poolSize?: number; connectionTimeoutMs?: number } = {}): Promise<TestDatabase> {
  if (kind === "pglite") {
    // A copy of the database test/global-setup.ts migrated once for the whole run.
    const snapshot = new Blob([readFileSync(inject("pgliteSnapshot"))]);
    const opened = await openDatabase({ kind: "pglite", dataDir: undefined }, { pgliteSnapshot: snapshot });
    return { ...opened, kind, drop: opened.close };
  }
  if (!POSTGRES_URL) throw new Error("TEST_POSTGRES_URL is not set");
  const name = `otp_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  const template = inject("postgresTemplate");
  // A copy of the template test/global-setup.ts migrated once (CREATE DATABASE … TEMPLATE is a file copy).
  await admin.query(template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const opened = await openDatabase({ kind: "postgres", url: url.toString() }, { poolSize: opts.poolSize ?? 10, connectionTimeoutMs: opts.connectionTimeoutMs });
  if (!template) await applyMigrations(opened.adapterFactory);
  return {
    ...opened,
    kind,
    url: url.toString(),
    drop: async () => {
      await opened.close();
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Runs the same suite once per database kind; `use()` returns that suite's database. */
export function describeEachDatabase(title: string, body: (use: () => TestDatabase & { db: Db }) => void) {
  for (const kind of DATABASE_KINDS) {
    describe(`${title} [${kind}]`, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await createTestDatabase(kind);
      });
      afterAll(async () => {
        await database?.drop();
      });
      body(() => {
        if (!database) throw new Error("test database not ready");
        return database;
      });
    });
  }
}

let phoneCounter = 0;
/** A valid Tanzanian mobile number unique to this test process, so tests never share data. */
export function uniquePhone(): string {
  phoneCounter += 1;
  const n = (process.pid % 1000) * 10000 + (phoneCounter % 10000);
  return `+2557${String(n).padStart(8, "0").slice(-8)}`;
}
