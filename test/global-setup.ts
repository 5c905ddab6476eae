/**
 * Migrates once per test run instead of once per suite: a PGlite data directory dumped to a file, and
 * a PostgreSQL template database (when TEST_POSTGRES_URL is set). test/db.ts copies them per suite.
 * The migrating runs in a child process (test/fixtures/migrate-once.ts: it says why).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "otp-test-"));
  const snapshot = path.join(dir, "pglite.tar");
  const serverUrl = process.env.TEST_POSTGRES_URL?.trim() || undefined;
  let template: string | null = null;
  const migrate = [snapshot];
  if (serverUrl) {
    template = `otp_test_template_${randomBytes(4).toString("hex")}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${template}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${template}`;
    migrate.push(url.toString());
  }
  await promisify(execFile)(process.execPath, ["--import", "tsx", "--conditions=react-server", "test/fixtures/migrate-once.ts", ...migrate]);
  project.provide("pgliteSnapshot", snapshot);
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
