/**
 * `npm run bench -- --profile`: where a cycle's time goes in the product on PostgreSQL.
 * 1. Round trips: the product behind a counting proxy (bench/lib/pg-proxy.ts); one send and one
 *    verify alone (their statement sequence), then 200 of each under light load (the average).
 * 2. CPU profile: the product under full load with `node --cpu-prof`, stopped gracefully so V8
 *    writes the profile, summarised by layer over the measured window (bench/profile-summary.ts).
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { floorApi, makePool, PhoneSeries, type ApiStyle } from "../driver";
import { profileMarkdown, summarizeProfile, type ProfileSummary } from "../profile-summary";
import { ROOT } from "./build";
import { updateLatest } from "./latest";
import { freshPostgres } from "./db";
import { freePort, measure } from "./measure";
import { startPgCountProxy, type Statement } from "./pg-proxy";
import { startNextFloor, startProduct, type Gateway } from "./servers";

type Opts = {
  productDir: string;
  gateway: Gateway;
  databaseUrl: string;
  logDir: string;
  runId: string;
  resultsDir: string;
  api: ApiStyle;
  users: number;
  durationMs: number;
  warmupMs: number;
  log: (s: string) => void;
  /** The framework floor's build: profiled too, for a layer-by-layer comparison. */
  floorDir?: string;
  /** Set when the product is built from another commit: the committed latest.md is left alone. */
  ref?: string;
};

export type RoundTrips = { api: string; perSend: number; perVerify: number; sendSequence: string[]; verifySequence: string[] };

function label(sql: string): string {
  const s = sql.replace(/^\s+/, "");
  if (/pg_advisory_xact_lock/i.test(s)) return "advisory lock";
  const first = s.split(/\s+/)[0].toUpperCase();
  if (first === "BEGIN" || first === "COMMIT" || first === "ROLLBACK") return first;
  // A call into one of the product's plpgsql functions (otp_begin_send, otp_record_sms, otp_check_code).
  const fn = /\b(otp_\w+)\s*\(/i.exec(s)?.[1];
  if (fn) return `${first} ${fn}()`;
  const table = /(?:INTO|UPDATE|FROM)\s+"?(?:public"?\.)?"?(\w+)"?/i.exec(s)?.[1];
  if (first === "WITH" && /UPDATE/i.test(s)) return `UPDATE ${table ?? ""} (conditional, WITH … FOR UPDATE)`.trim();
  return `${first} ${table ?? ""}`.trim();
}

export async function countRoundTrips(o: Opts): Promise<RoundTrips> {
  await freshPostgres(o.databaseUrl);
  const u = new URL(o.databaseUrl);
  const proxy = await startPgCountProxy({ host: u.hostname, port: Number(u.port || 5432) });
  const viaProxy = new URL(o.databaseUrl);
  viaProxy.port = String(proxy.port);
  const server = await startProduct({ buildDir: o.productDir, port: await freePort(), databaseUrl: viaProxy.toString(), gatewayUrl: o.gateway.url, logDir: o.logDir, name: "profile-roundtrips" });
  const pool = makePool(server.url, 16);
  const gw = makePool(o.gateway.url, 16);
  const phones = new PhoneSeries();
  let ip = 0;
  const post = async (p: string, body: unknown) => {
    const res = await pool.request({ method: "POST", path: p, headers: { "content-type": "application/json", "x-forwarded-for": `10.200.${(ip >> 8) & 255}.${ip++ & 255}` }, body: JSON.stringify(body) });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${p}: HTTP ${res.statusCode}`);
  };
  const code = async (phone: string) => ((await (await gw.request({ method: "GET", path: `/last-code?number=${phone.slice(1)}` })).body.json()) as { code: string }).code;
  const sequence = (stmts: Statement[]) => stmts.map((s) => label(s.sql));
  try {
    await o.gateway.setMode("ok");
    // Warm up: connections open, code paths compiled.
    for (let i = 0; i < 20; i++) {
      const phone = phones.next();
      await post(o.api.sendPath, o.api.sendBody(phone));
      await post(o.api.verifyPath, o.api.verifyBody(phone, await code(phone)));
    }
    const one = phones.next();
    proxy.reset();
    await post(o.api.sendPath, o.api.sendBody(one));
    const sendSequence = sequence(proxy.statements);
    const oneCode = await code(one);
    proxy.reset();
    await post(o.api.verifyPath, o.api.verifyBody(one, oneCode));
    const verifySequence = sequence(proxy.statements);

    const N = 200;
    const batch = Array.from({ length: N }, () => phones.next());
    const inParallel = async (fn: (phone: string) => Promise<void>) => {
      for (let i = 0; i < N; i += 8) await Promise.all(batch.slice(i, i + 8).map(fn));
    };
    proxy.reset();
    await inParallel((phone) => post(o.api.sendPath, o.api.sendBody(phone)));
    const perSend = proxy.roundTrips() / N;
    const codes = new Map<string, string>();
    for (const phone of batch) codes.set(phone, await code(phone));
    proxy.reset();
    await inParallel((phone) => post(o.api.verifyPath, o.api.verifyBody(phone, codes.get(phone)!)));
    const perVerify = proxy.roundTrips() / N;
    return { api: o.api.name, perSend, perVerify, sendSequence, verifySequence };
  } finally {
    await pool.close();
    await gw.close();
    await server.proc.stop();
    await proxy.close();
  }
}

type Profiled = { summary: ProfileSummary; cycles: number; file: string; cyclesPerSec: number; cpuMsPerCycle: number };

/** The product, or (floorDir set) the Next.js + Prisma floor, under load with --cpu-prof. */
export async function cpuProfile(o: Opts, floorDir?: string): Promise<Profiled> {
  await freshPostgres(o.databaseUrl);
  const dir = path.join(ROOT, "data", "bench", "profiles", o.runId, floorDir ? "floor-next-prisma" : "product");
  mkdirSync(dir, { recursive: true });
  const spawnedAt = performance.now();
  const common = { port: await freePort(), databaseUrl: o.databaseUrl, gatewayUrl: o.gateway.url, logDir: o.logDir, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`] };
  const server = floorDir
    ? await startNextFloor({ ...common, buildDir: floorDir, name: "profile-cpu-floor" })
    : await startProduct({ ...common, buildDir: o.productDir, name: "profile-cpu" });
  const api = floorDir ? floorApi("floor-next-prisma", "/api/prisma") : o.api;
  let windowFrom = 0;
  let windowTo = 0;
  let cycles = 0;
  let cyclesPerSec = 0;
  let cpuMsPerCycle = 0;
  try {
    const { m, run } = await measure({
      targets: [server.url],
      api,
      gatewayUrl: o.gateway.url,
      serverPids: () => [server.proc.pid],
      gatewayPid: o.gateway.proc.pid,
      users: o.users,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      postgres: true,
    });
    cycles = m.cycles;
    cyclesPerSec = m.cyclesPerSec;
    cpuMsPerCycle = m.cpuMsPerCycle;
    // The profile's clock starts with the process: shift the driver's window by the spawn time.
    windowFrom = run.t0 - spawnedAt + m.windowStartMs;
    windowTo = windowFrom + m.windowMs;
  } finally {
    // SIGTERM: Next.js exits through process.exit, and V8 writes the profile on the way out.
    await server.proc.stop(30_000);
  }
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  if (!files.length) throw new Error(`no .cpuprofile written in ${dir}`);
  // The biggest profile is the server's (next start may fork helpers that write small ones).
  const file = files
    .map((f) => path.join(dir, f))
    .map((f) => ({ f, size: statSync(f).size }))
    .sort((a, b) => b.size - a.size)[0].f;
  const summary = summarizeProfile(file, { cycles, fromMs: windowFrom, toMs: windowTo });
  return { summary, cycles, file, cyclesPerSec, cpuMsPerCycle };
}


function comparison(product: Profiled, floor: Profiled): string {
  const cpu = (p: Profiled, layer: string) => ((p.summary.layers.find((l) => l.layer === layer)?.share ?? 0) / 100) * p.cpuMsPerCycle;
  const layers = [...new Set([...product.summary.layers, ...floor.summary.layers].map((l) => l.layer))];
  const rows = layers
    .map((layer) => ({ layer, p: cpu(product, layer), f: cpu(floor, layer) }))
    .sort((a, b) => b.p - b.f - (a.p - a.f));
  return [
    `| Layer | product | floor 5b | difference |`,
    `|---|--:|--:|--:|`,
    ...rows.map((r) => `| ${r.layer} | ${r.p.toFixed(3)} | ${r.f.toFixed(3)} | ${(r.p - r.f >= 0 ? "+" : "") + (r.p - r.f).toFixed(3)} |`),
    `| **total (server CPU per cycle)** | **${product.cpuMsPerCycle.toFixed(3)}** | **${floor.cpuMsPerCycle.toFixed(3)}** | **${(product.cpuMsPerCycle >= floor.cpuMsPerCycle ? "+" : "") + (product.cpuMsPerCycle - floor.cpuMsPerCycle).toFixed(3)}** |`,
  ].join("\n");
}

export async function runProfile(o: Opts): Promise<boolean> {
  o.log("profile: counting database round trips per send and per verify (product on PostgreSQL, through a counting proxy)");
  const trips = await countRoundTrips(o);
  o.log(`profile: ${trips.perSend} round trips per send, ${trips.perVerify} per verify`);
  o.log(`profile: one send: ${trips.sendSequence.join(" → ")}`);
  o.log(`profile: one verify: ${trips.verifySequence.join(" → ")}`);
  o.log(`profile: CPU profile of the product on PostgreSQL, ${o.users} users, ${o.warmupMs / 1000} s warm-up + ${o.durationMs / 1000} s`);
  const prof = await cpuProfile(o);
  let floor: Profiled | undefined;
  if (o.floorDir) {
    o.log(`profile: the same for the Next.js + Prisma floor (system 5b)`);
    floor = await cpuProfile(o, o.floorDir);
  }
  const md = [
    `## Round trips per endpoint (${trips.api} API)`,
    "",
    `- send: ${trips.perSend} round trips (${trips.sendSequence.length} for one send alone): ${trips.sendSequence.join(" → ")}`,
    `- verify: ${trips.perVerify} round trips (${trips.verifySequence.length} for one verify alone): ${trips.verifySequence.join(" → ")}`,
    "",
    `## CPU profile: product on PostgreSQL, ${prof.cyclesPerSec} cycles/s, ${prof.cpuMsPerCycle} ms server CPU per cycle (all threads)`,
    "",
    profileMarkdown(prof.summary, prof.cycles, prof.cpuMsPerCycle),
    "",
    ...(floor ? ["", `## Product vs the Next.js + Prisma floor, per layer (≈ CPU ms per cycle: share of samples × measured server CPU)`, "", comparison(prof, floor)] : []),
    "",
    `Profile: ${path.relative(ROOT, prof.file)}`,
  ].join("\n");
  console.log(md);
  const out = path.join(o.resultsDir, `${o.runId}-profile.json`);
  writeFileSync(
    out,
    `${JSON.stringify({ kind: "profile", roundTrips: trips, profile: { ...prof, file: path.relative(ROOT, prof.file) }, floor: floor && { ...floor, file: path.relative(ROOT, floor.file) } }, null, 2)}\n`,
  );
  writeFileSync(path.join(path.dirname(prof.file), "summary.md"), `${md}\n`);
  if (!o.ref) updateLatest(o.resultsDir, "profile", `## Where the time goes (${new Date().toISOString()})\n\n${md.replace(/^## /gm, "### ").replace(/^Profile: .*$/m, "")}`);
  console.log(`\nresults: ${path.relative(ROOT, out)}`);
  return true;
}
