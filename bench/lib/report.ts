/** The results table and the issue's targets, as markdown. */
import type { DbCheck } from "./db";
import type { Measurement } from "./measure";

export type SystemResult = Measurement & { id: string; name: string; api: string; instances: number; dbCheck: DbCheck };

/** 2026-11-24T23-05-12Z: sortable and safe in file names. */
export function stamp(d = new Date()): string {
  return d.toISOString().slice(0, 19).replace(/:/g, "-") + "Z";
}

const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? "–" : x.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${Math.round((a / b) * 100)} %` : "–");
const times = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : "–");

export function formatTable(results: SystemResult[]): { markdown: string; targets: string[] } {
  const raw = results.find((r) => r.id === "4");
  const nextPrisma = results.find((r) => r.id === "5b");
  const head =
    "| System | cycles/s | send p50 / p95 / p99 ms | verify p50 / p95 / p99 ms | errors | server CPU ms/cycle | PostgreSQL CPU ms/cycle | peak RSS MB | cycles vs 4 | cycles vs 5b | CPU vs 4 | CPU vs 5b | machine busy |\n" +
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|";
  const rows = results.map((r) =>
    [
      r.name,
      fmt(r.cyclesPerSec),
      `${fmt(r.send.p50)} / ${fmt(r.send.p95)} / ${fmt(r.send.p99)}`,
      `${fmt(r.verify.p50)} / ${fmt(r.verify.p95)} / ${fmt(r.verify.p99)}`,
      r.errorCount ? `${r.errorCount} (${Object.entries(r.errors).map(([k, v]) => `${k}: ${v}`).join(", ")})` : "0",
      fmt(r.cpuMsPerCycle, 2),
      fmt(r.pgCpuMsPerCycle, 2),
      fmt(r.peakRssMb, 0),
      ratio(r.cyclesPerSec, raw?.cyclesPerSec),
      ratio(r.cyclesPerSec, nextPrisma?.cyclesPerSec),
      times(r.cpuMsPerCycle, raw?.cpuMsPerCycle),
      times(r.cpuMsPerCycle, nextPrisma?.cpuMsPerCycle),
      `${fmt(r.machineBusyPct, 0)} %`,
    ].join(" | "),
  );
  const markdown = `${head}\n${rows.map((r) => `| ${r} |`).join("\n")}`;

  const targets: string[] = [];
  const product = results.find((r) => r.id === "2");
  if (product) {
    const mark = (ok: boolean) => (ok ? "met" : "MISSED");
    targets.push("");
    targets.push(`Targets (issue 9) for system 2, product on PostgreSQL:`);
    targets.push(`- zero errors, DB check clean: ${mark(product.errorCount === 0 && product.dbCheck.ok)} (${product.errorCount} errors)`);
    if (nextPrisma) {
      const share = product.cyclesPerSec / nextPrisma.cyclesPerSec;
      const cpu = product.cpuMsPerCycle / nextPrisma.cpuMsPerCycle;
      targets.push(`- ≥ 80 % of the Next+Prisma floor's cycles/s: ${mark(share >= 0.8)} (${Math.round(share * 100)} %)`);
      targets.push(`- server CPU per cycle ≤ 1.5 × the floor's: ${mark(cpu <= 1.5)} (${cpu.toFixed(2)}×)`);
    }
    targets.push(`- verify p99 < 100 ms: ${mark(product.verify.p99 < 100)} (${fmt(product.verify.p99)} ms)`);
    targets.push(`- send p99 < 150 ms: ${mark(product.send.p99 < 150)} (${fmt(product.send.p99)} ms)`);
  }
  return { markdown, targets };
}
