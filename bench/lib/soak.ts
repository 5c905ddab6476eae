/**
 * `npm run bench -- --soak [--rate N] [--duration 300]`: the product on PostgreSQL at a fixed rate
 * near 70 % of its measured maximum (measured first, closed loop, unless --rate is given) for five
 * minutes. Reports per minute: throughput, p99 per endpoint, 5xx, server RSS. Then the DB check.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { percentiles, runLoad, summarize, type ApiStyle } from "../driver";
import { ROOT } from "./build";
import { updateLatest } from "./latest";
import { checkDatabase, freshPostgres, openQuery } from "./db";
import { freePort, measure } from "./measure";
import { sampleRss } from "./procs";
import { startProduct, type Gateway } from "./servers";

type Opts = { ref?: string; productDir: string; gateway: Gateway; databaseUrl: string; logDir: string; runId: string; resultsDir: string; api: ApiStyle; users: number; durationMs: number; rate?: number; log: (s: string) => void };

type Minute = { minute: number; cycles: number; cyclesPerSec: number; sendP99: number; verifyP99: number; fiveXx: number; errors: number; rssMb: number; rssMaxMb: number };

export async function runSoak(o: Opts): Promise<boolean> {
  await freshPostgres(o.databaseUrl);
  const server = await startProduct({ buildDir: o.productDir, port: await freePort(), databaseUrl: o.databaseUrl, gatewayUrl: o.gateway.url, logDir: o.logDir, name: "soak-product" });
  try {
    await o.gateway.setMode("ok");
    let rate = o.rate;
    let max: number | undefined;
    const allCycles = [];
    if (!rate) {
      o.log(`soak: measuring the maximum first (${o.users} users, 3 s warm-up + 10 s)`);
      const { m, run } = await measure({
        targets: [server.url],
        api: o.api,
        gatewayUrl: o.gateway.url,
        serverPids: () => [server.proc.pid],
        gatewayPid: o.gateway.proc.pid,
        users: o.users,
        warmupMs: 3_000,
        durationMs: 10_000,
        postgres: true,
      });
      allCycles.push(...run.cycles);
      max = m.cyclesPerSec;
      rate = Math.max(1, Math.round(max * 0.7));
    }
    o.log(`soak: ${rate} cycles/s${max ? ` (70 % of ${max})` : ""} for ${o.durationMs / 1000} s`);
    const rss = sampleRss(() => [server.proc.pid], 5_000);
    const run = await runLoad({ targets: [server.url], api: o.api, gatewayUrl: o.gateway.url, rate, maxInFlight: 1_024, durationMs: o.durationMs });
    const samples = rss.stop();
    allCycles.push(...run.cycles);

    // The driver's clock (run.t0) and the sampler's started together, within a few ms.
    const minutes: Minute[] = [];
    for (let from = 0; from < o.durationMs; from += 60_000) {
      const to = Math.min(from + 60_000, o.durationMs);
      const s = summarize(run, from, to);
      const inMinute = samples.filter((x) => x.at >= from && x.at < to + 1_000);
      minutes.push({
        minute: from / 60_000 + 1,
        cycles: s.cycles,
        cyclesPerSec: s.cyclesPerSec,
        sendP99: s.send.p99,
        verifyP99: s.verify.p99,
        fiveXx: s.fiveXx,
        errors: s.errorCount,
        rssMb: inMinute.at(-1)?.rssMb ?? NaN,
        rssMaxMb: Math.max(...inMinute.map((x) => x.rssMb)),
      });
    }
    const total = summarize(run, 0, o.durationMs);
    const q = await openQuery({ kind: "postgres", url: o.databaseUrl });
    const check = await checkDatabase(q, allCycles, { product: true }).finally(() => q.close());
    const p99s = minutes.map((m) => m.verifyP99);
    const sendP99s = minutes.map((m) => m.sendP99);
    const result = {
      kind: "soak",
      rate,
      measuredMax: max,
      durationMs: o.durationMs,
      achievedCyclesPerSec: total.cyclesPerSec,
      skipped: run.skipped,
      peakInFlight: run.peakInFlight,
      fiveXx: total.fiveXx,
      errors: total.errors,
      send: total.send,
      verify: total.verify,
      minutes,
      rssFirstMb: minutes[0]?.rssMb,
      rssLastMb: minutes.at(-1)?.rssMb,
      verifyP99Spread: percentiles(p99s),
      sendP99Spread: percentiles(sendP99s),
      dbCheck: check,
      ok: total.fiveXx === 0 && check.ok,
    };
    const file = path.join(o.resultsDir, `${o.runId}-soak.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    const md = [
        `Soak: ${rate} cycles/s${max ? ` (70 % of the measured ${max})` : ""} for ${o.durationMs / 1000} s; achieved ${total.cyclesPerSec} cycles/s, ${total.fiveXx} 5xx, ${total.errorCount} errors${total.errorCount ? ` ${JSON.stringify(total.errors)}` : ""}, peak ${run.peakInFlight} cycles in flight, ${run.skipped} not started (in-flight cap)`,
        "",
        "| minute | cycles/s | send p99 ms | verify p99 ms | 5xx | errors | server RSS MB (end / max) |",
        "|--:|--:|--:|--:|--:|--:|--:|",
        ...minutes.map((m) => `| ${m.minute} | ${m.cyclesPerSec} | ${m.sendP99.toFixed(1)} | ${m.verifyP99.toFixed(1)} | ${m.fiveXx} | ${m.errors} | ${m.rssMb} / ${m.rssMaxMb} |`),
        "",
        `DB check: ${check.ok ? "clean" : `FAILED: ${check.problems.join("; ")}`} (${check.rows} rows, ${check.verifiedRows} verified)`,
      ].join("\n");
    console.log(`${md}\nresults: ${path.relative(ROOT, file)}`);
    if (!o.ref && o.durationMs >= 300_000) updateLatest(o.resultsDir, "soak", `## Soak (${new Date().toISOString()})\n\n${md}`);
    return result.ok;
  } finally {
    await server.proc.stop();
  }
}
