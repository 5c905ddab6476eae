/**
 * Migrates once per test run instead of once per suite: a PGlite data directory dumped to a file, and
 * a PostgreSQL template database (when TEST_POSTGRES_URL is set). test/db.ts copies them per suite.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "@/lib/db/connection";
import { applyMigrations } from "@/lib/db/migrations";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "otp-test-"));
  const snapshot = path.join(dir, "pglite.tar");
  const pglite = await openDatabase({ kind: "pglite", dataDir: undefined });
  await applyMigrations(pglite.adapterFactory);
  const dump = await pglite.pglite!.dumpDataDir("none");
  writeFileSync(snapshot, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  project.provide("pgliteSnapshot", snapshot);

  const serverUrl = process.env.TEST_POSTGRES_URL?.trim() || undefined;
  let template: string | null = null;
  if (serverUrl) {
    template = `otp_test_template_${randomBytes(4).toString("hex")}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${template}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${template}`;
    const opened = await openDatabase({ kind: "postgres", url: url.toString() });
    await applyMigrations(opened.adapterFactory);
    await opened.close(); // a template must have no connections when it is copied
  }
  project.provide("postgresTemplate", template);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (serverUrl && template) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  };
}

async function adminQuery(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
