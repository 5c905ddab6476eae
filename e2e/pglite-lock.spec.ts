// The embedded database's lock with the real production server (`next start` on the suite's build):
// a restart right after kill -9 of the server's process group, and two servers started at once.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { E2E_ENV } from "../playwright.config";
import { expect, test } from "./fixtures";

// Its own ports, past the three servers of playwright.config.ts (PORT, +1, +2).
const PORT = Number(process.env.E2E_PORT ?? 3210);
const DATA = path.resolve("data", "e2e-lock");
const started: ChildProcess[] = [];

type Server = { child: ChildProcess; port: number; stderr: () => string; exited: Promise<number | null> };

/** `next start` in its own process group (as a service manager runs it), on `dir`. */
function startServer(dir: string, port: number): Server {
  const child = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    env: { ...process.env, ...E2E_ENV, DATABASE_URL: dir, DATA_DIR: path.dirname(dir), NEXTAUTH_URL: `http://127.0.0.1:${port}` } as NodeJS.ProcessEnv,
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  started.push(child);
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  return { child, port, stderr: () => stderr, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

async function health(port: number): Promise<unknown> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    return { status: res.status, body: await res.json() };
  } catch {
    return "not listening";
  }
}

const HEALTHY = { status: 200, body: { status: "ok", db: "ok" } };

/** The process group of `pid`, from /proc/<pid>/stat ("pid (comm) state ppid pgrp …"). */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

// One worker, in order: beforeAll/afterAll clear DATA and kill every server this file started.
test.describe.configure({ mode: "default", timeout: 180_000 });
test.beforeAll(() => {
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
});
test.afterAll(() => {
  for (const child of started) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(DATA, { recursive: true, force: true });
});

test("a server whose process group got kill -9 restarts at once and is healthy, whatever pid its lock file names", async () => {
  const dir = path.join(DATA, "restart", "pglite");
  mkdirSync(path.dirname(dir), { recursive: true });
  writeFileSync(`${dir}.lock`, "1\n"); // a live, unrelated process (init), as after a reboot or in a new container
  const first = startServer(dir, PORT + 10);
  await expect.poll(() => health(first.port), { timeout: 120_000 }).toEqual(HEALTHY);
  process.kill(-first.child.pid!, "SIGKILL");
  const second = startServer(dir, PORT + 11); // at once: no wait for the old process to be reaped
  await expect.poll(() => health(second.port), { timeout: 120_000 }).toEqual(HEALTHY);
  expect(await first.exited).toBe(null); // it was killed, not stopped
  expect(second.stderr()).toBe("");
});

test("of two servers started together on one directory, one serves and the other stops with one line naming it", async () => {
  const dir = path.join(DATA, "race", "pglite");
  mkdirSync(path.dirname(dir), { recursive: true });
  const pair = [startServer(dir, PORT + 12), startServer(dir, PORT + 13)];
  const loserIndex = await Promise.race(pair.map((s, i) => s.exited.then(() => i)));
  const [loser, winner] = [pair[loserIndex], pair[1 - loserIndex]];
  expect(await loser.exited).toBe(1);
  const line = /^Database error: the embedded database (.+) is in use by process (\d+): stop that process first \(one process per embedded database; use PostgreSQL to run several\)\n$/.exec(loser.stderr());
  expect(line, loser.stderr()).not.toBeNull();
  expect(line![1]).toBe(dir);
  expect(processGroupOf(Number(line![2]))).toBe(winner.child.pid); // the message names the server that holds it
  await expect.poll(() => health(winner.port), { timeout: 120_000 }).toEqual(HEALTHY);
  expect(await health(loser.port)).toBe("not listening");
});
