/**
 * The production start: what an operator sees when the configuration or the database is wrong.
 * Each case starts the real start-up checks in a child process, as `next start` would.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_SECRETS } from "@/test/otp-context";

const POSTGRES_URL = process.env.TEST_POSTGRES_URL?.trim() || undefined;
const PRODUCTION = { NODE_ENV: "production", ...TEST_SECRETS, NEXTAUTH_URL: "https://otp.example.com", SMS_PROVIDER: "mshastra", MSHASTRA_USER: "u", MSHASTRA_PASSWORD: "p", MSHASTRA_SENDER: "PhoneOTP", PHONE_ALLOWED_COUNTRIES: "TZ" };

function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTP_|SMS_|MSHASTRA_|TWILIO_|NEXTAUTH_|DATABASE_URL|ADMIN_PHONES)/.test(k)));
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "test/fixtures/start-server.ts"], {
    env: { ...base, ...env } as NodeJS.ProcessEnv,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

it("stops with one line per missing production secret and a refused console provider, and no stack trace", async () => {
  const run = await start({ NODE_ENV: "production", SMS_PROVIDER: "console", DATABASE_URL: "memory://" });
  expect(run.code).toBe(1);
  const lines = run.stderr.trim().split("\n");
  expect(lines.every((l) => l.startsWith("Configuration error: "))).toBe(true);
  expect(lines.join("\n")).toMatch(/OTP_SECRET/);
  expect(lines.join("\n")).toMatch(/NEXTAUTH_SECRET/);
  expect(lines.join("\n")).toMatch(/SMS_PROVIDER/);
  expect(lines).toContain("Configuration error: PHONE_ALLOWED_COUNTRIES: required in production: list the countries you serve (e.g. TZ,KE), or set * to allow every country knowingly");
  expect(run.stderr).not.toMatch(/\n\s+at /);
});

it("warns, without stopping, when NEXTAUTH_URL is unset or both secrets are the same", async () => {
  const run = await start({ ...PRODUCTION, NEXTAUTH_URL: "", NEXTAUTH_SECRET: TEST_SECRETS.OTP_SECRET, DATABASE_URL: "memory://" });
  expect(run.code).toBe(0);
  expect(run.stderr.trim().split("\n")).toEqual([
    expect.stringMatching(/^Configuration warning: NEXTAUTH_URL is not set/),
    expect.stringMatching(/^Configuration warning: OTP_SECRET and NEXTAUTH_SECRET are the same/),
  ]);
}, 60_000);

it("stops with one line for a malformed DATABASE_URL", async () => {
  const run = await start({ ...PRODUCTION, DATABASE_URL: "mysql://localhost/otp" });
  expect(run.code).toBe(1);
  expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^Configuration error: DATABASE_URL/)]);
});

it("refuses to start on an embedded database another process has open", async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "otp-start-")), "pglite");
  dirs.push(path.dirname(dir));
  const { lockDataDir } = await import("./db/pglite-lock");
  // This test process plays the running app: it holds the directory's lock.
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dir, { recursive: true });
  const release = await lockDataDir(dir);
  try {
    const run = await start({ ...PRODUCTION, DATABASE_URL: dir });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`Database error: the embedded database ${dir} is in use by process ${process.pid}: stop that process first (one process per embedded database; use PostgreSQL to run several)`);
  } finally {
    release();
  }
}, 60_000);

describe.skipIf(!POSTGRES_URL)("on a PostgreSQL server", () => {
  const name = `otp_test_start_${Date.now().toString(36)}`;
  const url = () => {
    const u = new URL(POSTGRES_URL!);
    u.pathname = `/${name}`;
    return u.toString();
  };
  async function admin(sql: string) {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(sql);
    await client.end();
  }
  afterAll(() => admin(`DROP DATABASE IF EXISTS "${name}"`));

  it("refuses to start on a database without the migrations, and says which command fixes it", async () => {
    await admin(`CREATE DATABASE "${name}"`);
    const run = await start({ ...PRODUCTION, DATABASE_URL: url() });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^Database error: \d+ migrations are not applied \(\d{14}_init, .*\): run npm run db:migrate with this DATABASE_URL$/);
  }, 60_000);

  it("starts when the server cannot be reached, saying so in one line (health answers 503 meanwhile)", async () => {
    const run = await start({ ...PRODUCTION, DATABASE_URL: "postgresql://postgres@127.0.0.1:5999/otp" });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("started");
    expect(run.stderr.trim()).toBe("Database not reachable yet: DatabaseNotReachable (127.0.0.1:5999); /api/health answers 503 until it is");
  }, 60_000);
});
