/**
 * Aggregates a V8 .cpuprofile (node --cpu-prof) into self time per layer of the OTP stack.
 * Bundled Next.js chunks are mapped back to their sources through the build's .js.map files, so
 * lib/otp, zod or libphonenumber are told apart inside one chunk. Builtins (JSON.parse, …) and
 * Node internals are charged to the nearest caller that is in a known layer; what runs with no
 * such caller (an await's continuation, the event loop) stays "Node core".
 *
 *   tsx bench/profile-summary.ts <file.cpuprofile> [--cycles N] [--from ms] [--to ms] [--cpu-ms-per-cycle x]
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

export type LayerRow = { layer: string; selfMs: number; msPerCycle: number | null; share: number };
export type ProfileSummary = { totalMs: number; busyMs: number; idleMs: number; layers: LayerRow[]; topFunctions: { fn: string; layer: string; selfMs: number }[] };

/** Ordered: the first pattern that matches an original source path wins. */
const SOURCE_LAYERS: [RegExp, string][] = [
  [/(^|\/)lib\/otp\/service\.ts#(readSendCounters|checkSendLimits|rateLimited|recordRefusal)$/, "rate limiting (lib/otp)"],
  [/(^|\/)lib\/otp\//, "OTP service (lib/otp, ours)"],
  [/(^|\/)lib\/api\/handler\.ts#(parseJson|readLimited|validate|fieldErrors|tooLarge)$/, "body parsing + zod"],
  [/(^|\/)lib\/api\/seed-compat\.ts#(readSeedBody|field|purposeOf)$/, "body parsing + zod"],
  [/(^|\/)lib\/validation\/|node_modules\/zod\//, "body parsing + zod"],
  [/(^|\/)lib\/phone\.ts|node_modules\/libphonenumber-js\//, "phone parsing (libphonenumber)"],
  [/(^|\/)lib\/sms\//, "SMS call (lib/sms + fetch)"],
  [/(^|\/)lib\/log\.ts/, "logging"],
  [/(^|\/)lib\/env\.ts/, "configuration (lib/env)"],
  [/(^|\/)(proxy|middleware)\.ts$/, "proxy.ts (ours)"],
  [/next\/dist\/.*(middleware|adapter)/, "Next.js request adapters (proxy plumbing; our proxy.ts does not match API routes)"],
  [/(^|\/)lib\/(api|socket-ip\.ts)|(^|\/)app\/api\//, "route handlers + withApi (ours)"],
  [/(^|\/)lib\/(db|db\.ts)|(^|\/)lib\/generated\/|node_modules\/@prisma\/(client|driver-adapter-utils)|query_compiler/, "Prisma client (JS)"],
  [/node_modules\/@prisma\/adapter-pg\//, "Prisma pg adapter"],
  [/node_modules\/(pg|pg-protocol|pg-pool|pg-types|pgpass|pg-connection-string)\//, "pg driver"],
  [/node_modules\/(react|react-dom|react-server-dom-[\w-]+)\//, "Next.js (React runtime)"],
  [/node_modules\/next\//, "Next.js"],
  [/(^|\/)bench\/floor|^floor\.ts$/, "floor handlers"],
];

/** Native stream writes: on loopback the kernel does the receiver's TCP work inside this syscall. */
const SOCKET_WRITES = new Set(["writev", "writeBuffer", "writeUtf8String", "writeLatin1String", "writeAsciiString", "writeUcs2String"]);

function layerOfSource(source: string): string | undefined {
  for (const [re, layer] of SOURCE_LAYERS) if (re.test(source)) return layer;
  const dep = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(source)?.[1];
  return dep ? `other dependency (${dep})` : undefined;
}

function nodeCoreLayer(url: string): string {
  if (/undici/.test(url)) return "Node core: undici (fetch, Request/Response)";
  if (/crypto/.test(url)) return "Node core: crypto";
  if (/_http|internal\/http|node:http|net|stream|dns|tls/.test(url)) return "Node core: http, net, streams";
  return "Node core: timers, promises, other";
}

/** Function start lines of an original source, to name the function a mapped position falls in. */
function functionIndex(content: string): { line: number; name: string }[] {
  const out: { line: number; name: string }[] = [];
  content.split("\n").forEach((text, line) => {
    const m = /^(?:export\s+)?(?:async\s+)?function\s*\*?\s*([\w$]+)|^(?:export\s+)?(?:const|let)\s+([\w$]+)\s*=\s*(?:async\s*)?(?:\(|function|[\w$]+\s*=>)/.exec(text);
    if (m) out.push({ line, name: m[1] ?? m[2] });
  });
  return out;
}

type MappedSource = { source: string; fn?: string };

class SourceMaps {
  private maps = new Map<string, { map: SourceMap; sources: string[]; fns: Map<string, { line: number; name: string }[]> } | null>();
  constructor(private stripPrefix: RegExp) {}

  lookup(url: string, line: number, column: number): MappedSource | undefined {
    if (!url.startsWith("file://") || !url.includes("/.next/")) return undefined;
    let entry = this.maps.get(url);
    if (entry === undefined) {
      entry = null;
      try {
        const file = fileURLToPath(url);
        const payload = JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
        const fns = new Map<string, { line: number; name: string }[]>();
        payload.sources.forEach((s, i) => {
          const content = payload.sourcesContent?.[i];
          if (content && !s.includes("node_modules")) fns.set(s, functionIndex(content));
        });
        entry = { map: new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]), sources: payload.sources, fns };
      } catch {
        entry = null;
      }
      this.maps.set(url, entry);
    }
    if (!entry) return undefined;
    const hit = entry.map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
    if (!hit?.originalSource) return undefined;
    const rawSource = entry.sources.find((s) => hit.originalSource!.endsWith(s.replace(/^(\.\.\/)+/, ""))) ?? hit.originalSource;
    const fns = entry.fns.get(rawSource);
    let fn: string | undefined;
    if (fns && hit.originalLine !== undefined) for (const f of fns) if (f.line <= hit.originalLine) fn = f.name;
    const source = hit.originalSource.replace(/^.*?\[project\]\//, "").replace(/^(\.\.\/)+/, "").replace(this.stripPrefix, "");
    return { source, fn };
  }
}

export function summarizeProfile(file: string, opts: { cycles?: number; fromMs?: number; toMs?: number } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const maps = new SourceMaps(/^.*?data\/bench\/build\/[^/]+\//);

  const own = new Map<number, { layer?: string; fn: string }>();
  const ownLayer = (id: number) => {
    let o = own.get(id);
    if (o) return o;
    const cf = byId.get(id)!.callFrame;
    const url = cf.url;
    let layer: string | undefined;
    let fn = cf.functionName || "(anonymous)";
    if (!url) {
      if (SOCKET_WRITES.has(cf.functionName)) layer = "socket writes (syscall: loopback TCP to PostgreSQL, gateway, client)";
      else if (cf.functionName === "(garbage collector)") layer = "GC";
      else if (cf.functionName === "(program)") layer = "V8 / native (program)";
      else if (cf.functionName === "(idle)") layer = "idle";
    } else if (url.startsWith("wasm://")) {
      layer = "Prisma query compiler (wasm)";
    } else if (url.startsWith("node:")) {
      layer = undefined;
    } else {
      const mapped = maps.lookup(url, cf.lineNumber, cf.columnNumber);
      const source = decodeURIComponent(mapped?.source ?? (url.startsWith("file://") ? fileURLToPath(url) : url));
      if (mapped?.fn) fn = mapped.fn;
      layer = layerOfSource(mapped?.fn ? `${source}#${mapped.fn}` : source) ?? layerOfSource(source) ?? `other (${path.basename(source)})`;
      fn = `${fn} ${source.replace(/^.*node_modules\//, "")}`;
    }
    o = { layer, fn };
    own.set(id, o);
    return o;
  };
  const resolved = new Map<number, string>();
  const layerOf = (id: number): string => {
    const cached = resolved.get(id);
    if (cached) return cached;
    let layer = ownLayer(id).layer;
    if (!layer) {
      // Builtins and Node internals: charge the nearest caller in a known layer.
      for (let p = parent.get(id); p !== undefined && !layer; p = parent.get(p)) {
        const pl = ownLayer(p).layer;
        if (pl && pl !== "idle" && pl !== "V8 / native (program)") layer = pl;
      }
      layer ??= nodeCoreLayer(byId.get(id)!.callFrame.url);
    }
    resolved.set(id, layer);
    return layer;
  };

  const selfUs = new Map<string, number>();
  const fnUs = new Map<string, { layer: string; us: number }>();
  let t = 0;
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const ms = t / 1000;
    if ((opts.fromMs !== undefined && ms < opts.fromMs) || (opts.toMs !== undefined && ms > opts.toMs)) continue;
    const next = profile.timeDeltas[i + 1] ?? dt;
    const id = profile.samples[i];
    const layer = layerOf(id);
    selfUs.set(layer, (selfUs.get(layer) ?? 0) + next);
    totalUs += next;
    const key = `${ownLayer(id).fn}`;
    const f = fnUs.get(key) ?? { layer, us: 0 };
    f.us += next;
    fnUs.set(key, f);
  }
  const idleUs = selfUs.get("idle") ?? 0;
  const busyUs = totalUs - idleUs;
  const layers = [...selfUs.entries()]
    .filter(([l]) => l !== "idle")
    .sort((a, b) => b[1] - a[1])
    .map(([layer, us]) => ({
      layer,
      selfMs: Math.round(us / 100) / 10,
      msPerCycle: opts.cycles ? Math.round((us / 1000 / opts.cycles) * 1000) / 1000 : null,
      share: Math.round((us / busyUs) * 1000) / 10,
    }));
  const topFunctions = [...fnUs.entries()]
    .filter(([, v]) => v.layer !== "idle")
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, 80)
    .map(([fn, v]) => ({ fn, layer: v.layer, selfMs: Math.round(v.us / 100) / 10 }));
  return { totalMs: Math.round(totalUs / 1000), busyMs: Math.round(busyUs / 1000), idleMs: Math.round(idleUs / 1000), layers, topFunctions };
}

/**
 * `cpuMsPerCycle` (the server's CPU time per cycle from /proc) scales the shares into CPU ms: the
 * sampler counts wall time on the main thread, which on a busy machine includes time preempted.
 */
export function profileMarkdown(s: ProfileSummary, cycles?: number, cpuMsPerCycle?: number): string {
  const lines = [
    `Main thread on-CPU-or-preempted ${s.busyMs} ms of ${s.totalMs} ms sampled${cycles ? ` over ${cycles} cycles (${(s.busyMs / cycles).toFixed(3)} ms sampled per cycle)` : ""}.`,
    "",
    `| Layer | self ms sampled | sampled ms / cycle | share |${cpuMsPerCycle ? " ≈ CPU ms / cycle |" : ""}`,
    `|---|--:|--:|--:|${cpuMsPerCycle ? "--:|" : ""}`,
    ...s.layers.map(
      (l) =>
        `| ${l.layer} | ${l.selfMs.toFixed(1)} | ${l.msPerCycle === null ? "–" : l.msPerCycle.toFixed(3)} | ${l.share.toFixed(1)} % |${cpuMsPerCycle ? ` ${((l.share / 100) * cpuMsPerCycle).toFixed(3)} |` : ""}`,
    ),
    "",
    "Top functions by self time:",
    "",
    "| Function | layer | self ms |",
    "|---|---|--:|",
    ...s.topFunctions.slice(0, 15).map((f) => `| \`${f.fn.replace(/\|/g, "\\|").slice(0, 90)}\` | ${f.layer} | ${f.selfMs.toFixed(1)} |`),
  ];
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { cycles: { type: "string" }, from: { type: "string" }, to: { type: "string" }, "cpu-ms-per-cycle": { type: "string" } },
  });
  if (!positionals[0]) {
    console.error("usage: tsx bench/profile-summary.ts <file.cpuprofile> [--cycles N] [--from ms] [--to ms]");
    process.exit(2);
  }
  const cycles = values.cycles ? Number(values.cycles) : undefined;
  const summary = summarizeProfile(positionals[0], { cycles, fromMs: values.from ? Number(values.from) : undefined, toMs: values.to ? Number(values.to) : undefined });
  const cpu = values["cpu-ms-per-cycle"] ? Number(values["cpu-ms-per-cycle"]) : undefined;
  console.log(profileMarkdown(summary, cycles, cpu));
}
