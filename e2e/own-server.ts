/**
 * A production server of the suite's build on its own database and port, for specs that stop and
 * start it again (real processes, real signals): e2e/shutdown.spec.ts, e2e/webhook-enable.spec.ts.
 * They run in the "exclusive" Playwright project (one worker, after the parallel projects), so they share the port.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { expect, type APIRequestContext } from "@playwright/test";
import { E2E_ENV } from "../playwright.config";

// Past the servers of playwright.config.ts (PORT, +1, +2), the lock spec's (+10…+13), below +30.
export const OWN_PORT = Number(process.env.E2E_PORT ?? 3210) + 20;
export const OWN_BASE = `http://127.0.0.1:${OWN_PORT}`;

/** A test number (no SMS leaves, fixed code) that ADMIN_PHONES makes an admin on sign-in. */
export const OWN_ADMIN = { phone: "+255700000900", code: "246810" };
export const OWN_ADMIN_ENV = { ADMIN_PHONES: OWN_ADMIN.phone, OTP_TEST_NUMBERS: `${OWN_ADMIN.phone}:${OWN_ADMIN.code}`, OTP_TEST_NUMBERS_IN_PRODUCTION: "1" };

export type OwnServer = { child: ChildProcess; exited: Promise<number | null>; output: () => string };

export function startOwnServer(env: Record<string, string>): OwnServer {
  // node itself, not npx: the signal goes to the server process, and its exit code is the server's.
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(OWN_PORT)], {
    env: { ...process.env, ...E2E_ENV, NEXTAUTH_URL: OWN_BASE, LOG_LEVEL: "info", ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code: number | null) => resolve(code)));
  return { child, exited, output: () => output };
}

export async function waitForHealth(server?: OwnServer) {
  for (let i = 0; i < 160; i++) {
    try {
      if ((await fetch(`${OWN_BASE}/api/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not start\n${server?.output() ?? ""}`);
}

/** Signs `request` in as the test-number admin through next-auth's credentials callback. */
export async function signInOwnAdmin(request: APIRequestContext) {
  expect((await request.post(`${OWN_BASE}/api/otp/send`, { data: { phone: OWN_ADMIN.phone, purpose: "Login" } })).status()).toBe(200);
  const { csrfToken } = (await (await request.get(`${OWN_BASE}/api/auth/csrf`)).json()) as { csrfToken: string };
  const res = await request.post(`${OWN_BASE}/api/auth/callback/phone-otp`, { form: { csrfToken, phone: OWN_ADMIN.phone, code: OWN_ADMIN.code, json: "true" } });
  expect(res.ok(), "admin sign-in").toBe(true);
}

/** SQL on the server's database while the server is stopped (PGlite) or running (PostgreSQL). */
export type OwnDatabase = { kind: "pglite" | "postgres"; env: Record<string, string>; query<T>(sql: string, values?: unknown[]): Promise<T[]>; drop(): Promise<void> };

/** A fresh embedded database directory, or a fresh migrated PostgreSQL database. */
export async function ownDatabase(kind: "pglite" | "postgres", name: string): Promise<OwnDatabase> {
  if (kind === "pglite") {
    const dir = `data/e2e-${name}`;
    rmSync(dir, { recursive: true, force: true });
    return {
      kind,
      env: { DATABASE_URL: `${dir}/pglite`, DATA_DIR: dir },
      async query<T>(sql: string, values?: unknown[]) {
        const db = new PGlite(`${dir}/pglite`);
        try {
          return (await db.query<T>(sql, values)).rows;
        } finally {
          await db.close();
        }
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const serverUrl = process.env.TEST_POSTGRES_URL!;
  const database = `otp_e2e_${name.replace(/\W/g, "_")}_${randomBytes(3).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE "${database}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const migrate = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/db-migrate.ts"], {
    env: { ...process.env, DATABASE_URL: url.toString() },
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`db:migrate failed: ${migrate.stderr}`);
  return {
    kind,
    env: { DATABASE_URL: url.toString() },
    async query<T>(sql: string, values?: unknown[]) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query(sql, values)).rows as T[];
      } finally {
        await client.end();
      }
    },
    drop: () => admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
  };
}

/** The database kinds a spec runs on: PGlite always, PostgreSQL when TEST_POSTGRES_URL is set. */
export const OWN_DATABASE_KINDS: ("pglite" | "postgres")[] = process.env.TEST_POSTGRES_URL ? ["pglite", "postgres"] : ["pglite"];
