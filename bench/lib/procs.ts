/**
 * Child processes for the benchmark: each started in its own process group so stopping it stops
 * everything it spawned, all of them tracked so an error, Ctrl-C or exit never leaves a server
 * behind. Plus /proc readings: CPU time and memory of a process tree, and of the whole machine.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const CLK_TCK = 100; // getconf CLK_TCK on Linux/x86-64 and arm64
const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

let installed = false;
/** Kills every tracked process group on exit, Ctrl-C, SIGTERM and uncaught errors. */
export function installCleanup() {
  if (installed) return;
  installed = true;
  process.on("exit", () => {
    for (const child of live) killGroup(child, "SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      console.error(`\n[bench] ${signal}: stopping child processes`);
      process.exit(130);
    });
  }
}

export type Proc = {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  exited: Promise<number | null>;
  /** SIGTERM to the group, SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
  /** kill -9 of the group, no grace: the fault run's crash. */
  crash(): Promise<void>;
};

export function startProcess(
  name: string,
  command: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; logDir: string; onStdout?: (line: string) => void },
): Proc {
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = path.join(opts.logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env as NodeJS.ProcessEnv | undefined, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    log.write(chunk);
    if (!opts.onStdout) return;
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) opts.onStdout(line);
  });
  child.stderr!.on("data", (chunk: Buffer) => log.write(chunk));
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => {
      live.delete(child);
      resolve(code);
    });
    child.on("error", () => {
      live.delete(child);
      resolve(-1);
    });
  });
  const proc: Proc = {
    name,
    child,
    pid: child.pid ?? -1,
    logFile,
    exited,
    async stop(graceMs = 8_000) {
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      log.end();
    },
    async crash() {
      killGroup(child, "SIGKILL");
      await exited;
      log.end();
    },
  };
  return proc;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls url until it answers 200 (or throws after timeoutMs, or when the process dies). */
export async function waitForHttp(url: string, proc: Proc | undefined, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  let dead = false;
  void proc?.exited.then(() => (dead = true));
  while (performance.now() - started < timeoutMs) {
    if (dead) throw new Error(`${proc!.name} exited before it was ready (see ${proc!.logFile})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - started;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms${proc ? ` (see ${proc.logFile})` : ""}`);
}

type Stat = { pid: number; ppid: number; comm: string; cpuTicks: number; childTicks: number; rssPages: number };

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const f = text.slice(close + 2).split(" ");
    // fields after comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14) … rss(21)
    return { pid, ppid: Number(f[1]), comm, cpuTicks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]), rssPages: Number(f[21]) };
  } catch {
    return undefined;
  }
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

const PAGE_KB = 4;

/** CPU ms and RSS (MB) of root and all its descendants right now. */
export function treeUsage(roots: number[]): { cpuMs: number; rssMb: number; pids: number[] } {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  let ticks = 0;
  let pages = 0;
  const pids: number[] = [];
  const queue = roots.filter((p) => byPid.has(p));
  while (queue.length) {
    const pid = queue.shift()!;
    const s = byPid.get(pid)!;
    pids.push(pid);
    ticks += s.cpuTicks;
    pages += s.rssPages;
    for (const c of children.get(pid) ?? []) queue.push(c.pid);
  }
  return { cpuMs: (ticks * 1000) / CLK_TCK, rssMb: (pages * PAGE_KB) / 1024, pids };
}

/** Peak resident set (VmHWM) summed over the tree's processes, in MB. */
export function treePeakRssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) kb += Number(m[1]);
    } catch {
      /* exited */
    }
  }
  return Math.round(kb / 102.4) / 10;
}

/**
 * CPU ms of every PostgreSQL server process on the machine (other users' queries included), plus
 * the postmaster's reaped children: a backend that exits (a closed connection) keeps counting.
 */
export function postgresCpuMs(): number {
  const pg = allStats().filter((s) => s.comm === "postgres");
  const pids = new Set(pg.map((s) => s.pid));
  const ticks = pg.reduce((sum, s) => sum + s.cpuTicks + (pids.has(s.ppid) ? 0 : s.childTicks), 0);
  return (ticks * 1000) / CLK_TCK;
}

/** Whole-machine busy and total CPU ticks since boot (all cores), from /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Samples the tree's summed RSS every intervalMs; stop() returns the samples. */
export function sampleRss(roots: () => number[], intervalMs = 1_000) {
  const samples: { at: number; rssMb: number; pids: number[] }[] = [];
  const t0 = performance.now();
  const take = () => {
    const u = treeUsage(roots());
    samples.push({ at: performance.now() - t0, rssMb: Math.round(u.rssMb * 10) / 10, pids: u.pids });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
