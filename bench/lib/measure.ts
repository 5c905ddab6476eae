/**
 * One measured run against running servers: closed-loop load, with the servers' CPU time and
 * memory, PostgreSQL's CPU time, the machine's load and the load generator's own CPU read over
 * exactly the measured window (after the warm-up).
 */
import net from "node:net";
import { runLoad, summarize, type ApiStyle, type LoadRun, type WindowSummary } from "../driver";
import { machineTicks, postgresCpuMs, sampleRss, treePeakRssMb, treeUsage } from "./procs";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export type Measurement = WindowSummary & {
  /** When the measured window opened, in ms after the driver's start. */
  windowStartMs: number;
  serverCpuMs: number;
  cpuMsPerCycle: number;
  pgCpuMsPerCycle: number | null;
  peakRssMb: number;
  vmHwmMb: number;
  machineBusyPct: number;
  loadGenCpuMsPerCycle: number;
  load1: number;
};

type Snapshot = { at: number; server: number; pg: number; machine: { busy: number; total: number }; driver: number; gateway: number };

export async function measure(opts: {
  targets: string[];
  api: ApiStyle;
  gatewayUrl: string;
  serverPids: () => number[];
  gatewayPid: number;
  users: number;
  warmupMs: number;
  durationMs: number;
  postgres: boolean;
}): Promise<{ m: Measurement; run: LoadRun }> {
  const snap = (at: number): Snapshot => {
    const u = process.cpuUsage();
    return {
      at,
      server: treeUsage(opts.serverPids()).cpuMs,
      pg: opts.postgres ? postgresCpuMs() : 0,
      machine: machineTicks(),
      driver: (u.user + u.system) / 1000,
      gateway: treeUsage([opts.gatewayPid]).cpuMs,
    };
  };
  let start: Snapshot | undefined;
  let end: Snapshot | undefined;
  const rss = sampleRss(opts.serverPids, 500);
  const run = await runLoad({
    targets: opts.targets,
    api: opts.api,
    gatewayUrl: opts.gatewayUrl,
    users: opts.users,
    durationMs: opts.warmupMs + opts.durationMs,
    onTick: (elapsed) => {
      if (!start && elapsed >= opts.warmupMs) start = snap(elapsed);
    },
    onEnd: (elapsed) => {
      end = snap(elapsed);
    },
  });
  const pids = treeUsage(opts.serverPids()).pids;
  const vmHwmMb = treePeakRssMb(pids);
  const samples = rss.stop();
  if (!start || !end) throw new Error("measurement window never opened (duration too short?)");
  const s = summarize(run, start.at, end.at);
  const per = (x: number) => (s.cycles ? Math.round((x / s.cycles) * 1000) / 1000 : NaN);
  const serverCpuMs = end.server - start.server;
  const busy = end.machine.busy - start.machine.busy;
  const total = end.machine.total - start.machine.total;
  const m: Measurement = {
    ...s,
    windowStartMs: Math.round(start.at),
    serverCpuMs: Math.round(serverCpuMs),
    cpuMsPerCycle: per(serverCpuMs),
    pgCpuMsPerCycle: opts.postgres ? per(end.pg - start.pg) : null,
    peakRssMb: Math.max(...samples.map((x) => x.rssMb)),
    vmHwmMb,
    machineBusyPct: total ? Math.round((busy / total) * 1000) / 10 : NaN,
    loadGenCpuMsPerCycle: per(end.driver - start.driver + end.gateway - start.gateway),
    load1: 0,
  };
  return { m, run };
}
