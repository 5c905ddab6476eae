import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { buildSync } from "esbuild";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
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
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
  });
  return child;
}

// A writer's start (a new PGlite directory, migrated) takes 5–15 s, so the tests that only need an app
// running on a directory share one; a test that kills it forgets it, and the next caller starts anew.
let writer: Promise<{ dir: string; child: ChildProcess }> | undefined;
function runningWriter() {
  writer ??= (async () => {
    const dir = freshDir();
    return { dir, child: await startWriter(dir) };
  })();
  return writer;
}
function forgetWriter() {
  writer = undefined;
}

// The lock fixtures are bundled once to plain JavaScript: a start then costs a bare `node` (~50 ms),
// which keeps the racing starts short. It sits inside the project so it resolves node_modules.
let holderScript = "";
let racerScript = "";
beforeAll(() => {
  mkdirSync(path.join("node_modules", ".cache"), { recursive: true });
  const out = mkdtempSync(path.join("node_modules", ".cache", "otp-lock-test-"));
  holderScript = path.resolve(out, "lock-holder.mjs");
  racerScript = path.resolve(out, "lock-racer.mjs");
  dirs.push(out);
  buildSync({ entryPoints: ["test/fixtures/lock-holder.ts"], bundle: true, platform: "node", format: "esm", packages: "external", outfile: holderScript, logLevel: "error" });
  buildSync({ entryPoints: ["test/fixtures/lock-racer.ts"], bundle: true, platform: "node", format: "esm", packages: "external", outfile: racerScript, logLevel: "error" });
});

type Holder = { child: ChildProcess; stdout: string; stderr: string; exited: Promise<number | null> };

function startHolder(dir: string, flags: string[] = [], opts: { detached?: boolean } = {}): Holder {
  const child = spawn(process.execPath, [holderScript, dir, ...flags], { stdio: ["pipe", "pipe", "pipe"], detached: opts.detached });
  children.push(child);
  const holder: Holder = { child, stdout: "", stderr: "", exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
  child.stdout!.on("data", (c: Buffer) => (holder.stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (holder.stderr += c.toString()));
  return holder;
}

/** Resolves once the holder printed `line`, or rejects with what it said if it exits first. */
function said(holder: Holder, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => holder.stdout.split("\n").includes(line) && (resolve(), true);
    if (check()) return;
    holder.child.stdout!.on("data", check);
    holder.exited.then((code) => check() || reject(new Error(`exited ${code}: ${holder.stderr}`)));
  });
}

function processState(pid: number): string | null {
  try {
    // /proc/<pid>/stat: "pid (comm) S …" — the state letter follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return null;
  }
}

const inUseLine = (dir: string, pid: number) =>
  `Database error: the embedded database ${dir} is in use by process ${pid}: stop that process first (one process per embedded database; use PostgreSQL to run several)`;

/** The pid of a process that has exited, as a killed server leaves it in its lock file. */
const STALE_PID = spawnSync("true").pid;

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
});
afterAll(async () => {
  (await writer?.catch(() => undefined))?.child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it("refuses to open an embedded database another live process has open, naming that process", async () => {
  const { dir, child } = await runningWriter();
  const opening = openDatabase({ kind: "pglite", dataDir: dir });
  await expect(opening).rejects.toBeInstanceOf(DatabaseInUseError);
  await expect(opening).rejects.toThrow(`in use by process ${child.pid}`);
}, 120_000); // a first PGlite open is slow on a busy machine

it("makes a CLI script stop with one line instead of writing beside the running app", async () => {
  const { dir } = await runningWriter();
  const run = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/admin-add.ts", "+255754000501"], {
    env: { ...process.env, NODE_ENV: "development", DATABASE_URL: dir },
    encoding: "utf8",
  });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  expect(run.stderr).toMatch(/^Error: the embedded database .* is in use by process \d+/);
}, 120_000); // a first PGlite open is slow on a busy machine

it("opens a database whose holder was killed, and is free again once its holder closes it", async () => {
  const { dir, child } = await runningWriter();
  forgetWriter();
  await new Promise<void>((resolve) => {
    child.on("exit", () => resolve());
    child.kill("SIGKILL");
  });
  const reopened = await openDatabase({ kind: "pglite", dataDir: dir });
  await expect(reopened.db.auditEvent.count()).resolves.toBeTypeOf("number");
  await expect(openDatabase({ kind: "pglite", dataDir: dir })).rejects.toThrow(`in use by process ${process.pid}`);
  await reopened.close();
  expect(readFileSync(`${dir}.lock`, "utf8")).toBe(""); // a clean close leaves a lock file naming nobody
  const third = await openDatabase({ kind: "pglite", dataDir: dir });
  await third.close();
}, 120_000); // a first PGlite open is slow on a busy machine

it("starts at once after kill -9 of the holder's whole process group", async () => {
  const dir = freshDir();
  const first = startHolder(dir, ["--hold"], { detached: true });
  await said(first, "serving");
  process.kill(-first.child.pid!, "SIGKILL");
  const second = startHolder(dir); // no wait for the exit, nor for the parent to reap it
  await said(second, "serving");
  expect(await first.exited).toBe(null);
});

it("starts while the killed holder is still a zombie that its parent never reaps", async () => {
  const dir = freshDir();
  // `sleep` becomes the holder's parent and never waits for it: once killed, it stays a zombie.
  const shell = spawn("sh", ["-c", `"${process.execPath}" "${holderScript}" "${dir}" --hold </dev/null & echo $!; exec sleep 30`], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(shell);
  let output = "";
  await new Promise<void>((resolve) => shell.stdout!.on("data", (c: Buffer) => ((output += c.toString()), output.includes("serving") && resolve())));
  const pid = Number(output.split("\n")[0]);
  process.kill(pid, "SIGKILL");
  while (processState(pid) !== "Z") await new Promise((resolve) => setTimeout(resolve, 10));
  const next = startHolder(dir);
  await said(next, "serving");
  expect(processState(pid)).toBe("Z");
});

it("starts when the lock file names a live, unrelated process", async () => {
  const dir = freshDir();
  writeFileSync(`${dir}.lock`, `${process.pid}\n`); // e.g. a pid reused after a reboot or in a new container
  const holder = startHolder(dir);
  await said(holder, "serving");
});

/** Two starts released at the same instant on `dir`: null if exactly one serves and the other says who. */
async function race(dir: string): Promise<string | null> {
  const pair = [startHolder(dir, ["--on-go"]), startHolder(dir, ["--on-go"])];
  await Promise.all(pair.map((h) => said(h, "ready")));
  for (const h of pair) h.child.stdin!.write("go\n");
  const outcomes = await Promise.all(pair.map((h) => Promise.race([h.exited, said(h, "serving").then(() => "serving", () => "failed")])));
  const winners = pair.filter((_, i) => outcomes[i] === "serving");
  const losers = pair.filter((_, i) => outcomes[i] === 1);
  for (const h of winners) h.child.stdin!.end();
  await Promise.all(pair.map((h) => h.exited));
  if (winners.length !== 1 || losers.length !== 1) return JSON.stringify(outcomes);
  const expected = `${inUseLine(dir, winners[0].child.pid!)}\n`;
  return losers[0].stderr === expected ? null : `the loser said ${JSON.stringify(losers[0].stderr)}`;
}

/** Runs `races` races on four directories side by side (each pair on its own), listing the failures. */
async function raceLanes(races: number, raceOn: (dir: string, lane: number) => Promise<string | null>): Promise<string[]> {
  const lanes = [freshDir(), freshDir(), freshDir(), freshDir()];
  const failures: string[] = [];
  for (let round = 0; round < races / lanes.length; round++) {
    await Promise.all(
      lanes.map(async (dir, lane) => {
        // Half the races run over a lock file left by a killed owner (its pid inside), half over none.
        if (round % 2) writeFileSync(`${dir}.lock`, `${STALE_PID}\n`);
        else rmSync(`${dir}.lock`, { force: true });
        const failure = await raceOn(dir, lane);
        if (failure) failures.push(`race ${round * lanes.length + lane}: ${failure}`);
      }),
    );
  }
  return failures;
}

// Fresh processes: the whole start path, first load of the native addon included. Each start costs
// a process, so few; the 1,000 races below are the ones that catch a narrow window.
it("lets exactly one of two starts racing on one directory serve, 8 times, the other stopping with one line naming it", async () => {
  expect(await raceLanes(8, race)).toEqual([]);
}, 120_000);

type Racer = { child: ChildProcess; send(line: string): void; next(): Promise<string> };

/** A long-lived process that takes and releases the lock on `dir` on command (test/fixtures/lock-racer.ts). */
function startRacer(dir: string): Racer {
  const child = spawn(process.execPath, [racerScript, dir], { stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let exited: string | undefined;
  createInterface({ input: child.stdout! }).on("line", (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)));
  child.on("exit", (code) => {
    exited = `exited ${code}`; // e.g. an unexpected error: the race fails instead of waiting forever
    for (const resolve of waiting.splice(0)) resolve(exited);
  });
  return {
    child,
    send: (line) => child.stdin!.write(`${line}\n`),
    next: () => (lines.length ? Promise.resolve(lines.shift()!) : exited ? Promise.resolve(exited) : new Promise((resolve) => waiting.push(resolve))),
  };
}

// Measured with the lock broken on purpose (10–30 runs each): no lock, or O_TRUNC on open, fails at
// the first race; the earlier pid-file lock first failed between race 2 and 208, an unguarded read of
// the pid by race 8, the pid written after its guard is dropped by race 19. 1,000 races take ~1 s.
it("lets exactly one of two processes racing for one directory's lock get it, 1,000 times, the other told who holds it", async () => {
  const pairs = new Map<number, [Racer, Racer]>();
  const failures = await raceLanes(1_000, async (dir, lane) => {
    if (!pairs.has(lane)) pairs.set(lane, [startRacer(dir), startRacer(dir)]);
    const pair = pairs.get(lane)!;
    for (const racer of pair) racer.send("go");
    const outcomes = await Promise.all(pair.map((racer) => racer.next()));
    for (const racer of pair) racer.send("release");
    await Promise.all(pair.map((racer) => racer.next()));
    const winners = pair.filter((_, i) => outcomes[i] === "serving");
    const refusals = outcomes.filter((outcome) => outcome.startsWith("refused "));
    if (winners.length !== 1 || refusals.length !== 1) return JSON.stringify(outcomes);
    const said = JSON.parse(refusals[0].slice("refused ".length)) as string;
    return said === inUseLine(dir, winners[0].child.pid!) ? null : `the loser said ${JSON.stringify(said)}`;
  });
  expect(failures).toEqual([]);
}, 120_000);
