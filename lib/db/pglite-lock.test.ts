import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { openDatabase } from "./connection";
import { DatabaseInUseError } from "./pglite-lock";

const dirs: string[] = [];
const children: ChildProcess[] = [];

function freshDir() {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "otp-lock-")), "pglite");
  dirs.push(path.dirname(dir));
  return dir;
}

/** The durability test's writer: holds the directory open and writes until killed. */
async function startWriter(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "test/fixtures/pglite-writer.ts", dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
  });
  return child;
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it("refuses to open an embedded database another live process has open, naming that process", async () => {
  const dir = freshDir();
  const writer = await startWriter(dir);
  const opening = openDatabase({ kind: "pglite", dataDir: dir });
  await expect(opening).rejects.toBeInstanceOf(DatabaseInUseError);
  await expect(opening).rejects.toThrow(`in use by process ${writer.pid}`);
}, 60_000);

it("makes a CLI script stop with one line instead of writing beside the running app", async () => {
  const dir = freshDir();
  await startWriter(dir);
  const run = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/admin-add.ts", "+255754000501"], {
    env: { ...process.env, NODE_ENV: "development", DATABASE_URL: dir },
    encoding: "utf8",
  });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  expect(run.stderr).toMatch(/^Error: the embedded database .* is in use by process \d+/);
}, 60_000);

it("takes over the lock of a process that died, and releases its own on close", async () => {
  const dir = freshDir();
  const writer = await startWriter(dir);
  await new Promise<void>((resolve) => {
    writer.on("exit", () => resolve());
    writer.kill("SIGKILL");
  });
  expect(existsSync(`${dir}.lock`)).toBe(true);
  const reopened = await openDatabase({ kind: "pglite", dataDir: dir });
  await expect(reopened.db.auditEvent.count()).resolves.toBeTypeOf("number");
  await reopened.close();
  expect(existsSync(`${dir}.lock`)).toBe(false);
}, 60_000);
