/** The results tables and the issues' targets, as markdown. */
import type { DbCheck, TableStats } from "./db";
import type { Measurement } from "./measure";

export type SystemResult = Measurement & {
  id: string;
  name: string;
  api: string;
  instances: number;
  dbCheck: DbCheck;
  /** Rows inserted + updated + deleted in every table (pg_stat_user_tables) ÷ verified cycles. */
  rowsWrittenPerCycle?: number;
  writes?: (TableStats & { deletes: number; perCycle: number })[];
  /** Statements (round trips) per completed cycle, counted at the wire in a separate short pass. */
  statementsPerCycle?: number;
};

/** 2026-11-24T23-05-12Z: sortable and safe in file names. */
export function stamp(d = new Date()): string {
  return d.toISOString().slice(0, 19).replace(/:/g, "-") + "Z";
}

const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? "–" : x.toFixed(digits));
const times = (a: number | null | undefined, b: number | null | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : "–");
const pp = (p?: { p50: number; p99: number }) => (p && p.p50 === p.p50 ? `${fmt(p.p50)} / ${fmt(p.p99)}` : "–");

export function formatTable(results: SystemResult[]): { markdown: string; targets: string[] } {
  const by = (id: string) => results.find((r) => r.id === id);
  const raw = by("4");
  const floor = by("5b");
  const minimal = by("5c");
  const ba = by("6");
  const login = (r: SystemResult) => (r.loginPaths ? `${Object.keys(r.loginPaths).join("+")}, ${r.sessionChecks?.ok}/${r.sessionChecks?.made} checked` : "–");
  const speed =
    "| System | cycles/s | send p50 / p99 ms | verify p50 / p99 ms | csrf + callback p50 / p99 ms | session check p50 / p99 ms | session from | errors | peak RSS MB | machine busy |\n" +
    "|---|--:|--:|--:|--:|--:|---|--:|--:|--:|\n" +
    results
      .map((r) => {
        const steps = r.csrf && r.callback ? `${pp(r.csrf)} + ${pp(r.callback)}` : "–";
        const errors = r.errorCount ? `${r.errorCount} (${Object.entries(r.errors).map(([k, v]) => `${k}: ${v}`).join(", ")})` : "0";
        return `| ${[r.name, fmt(r.cyclesPerSec), pp(r.send), pp(r.verify), steps, pp(r.session), login(r), errors, fmt(r.peakRssMb, 0), `${fmt(r.machineBusyPct, 0)} %`].join(" | ")} |`;
      })
      .join("\n");
  const cost =
    "| System | server CPU ms/cycle | PostgreSQL CPU ms/cycle | statements/cycle | rows written/cycle | cycles/s vs 6 · 5b · 5c · 4 | server CPU vs 6 · 5b · 5c | PostgreSQL CPU vs 6 · 5b · 5c |\n" +
    "|---|--:|--:|--:|--:|--:|--:|--:|\n" +
    results
      .map((r) =>
        `| ${[
          r.name,
          fmt(r.cpuMsPerCycle, 2),
          fmt(r.pgCpuMsPerCycle, 2),
          fmt(r.statementsPerCycle, 2),
          fmt(r.rowsWrittenPerCycle, 2),
          [ba, floor, minimal, raw].map((o) => times(r.cyclesPerSec, o?.cyclesPerSec)).join(" · "),
          [ba, floor, minimal].map((o) => times(r.cpuMsPerCycle, o?.cpuMsPerCycle)).join(" · "),
          [ba, floor, minimal].map((o) => times(r.pgCpuMsPerCycle, o?.pgCpuMsPerCycle)).join(" · "),
        ].join(" | ")} |`,
      )
      .join("\n");
  const markdown = `${speed}\n\n${cost}`;

  const targets: string[] = [];
  const mark = (ok: boolean) => (ok ? "met" : "MISSED");
  const product = by("2");
  const full = by("2l");
  if (full || product) targets.push("", "Targets (issue 19, same run, 32 users, PostgreSQL):");
  if (full) {
    targets.push(`- full login (2L) zero errors, DB check clean: ${mark(full.errorCount === 0 && full.dbCheck.ok)} (${full.errorCount} errors; session from ${login(full)})`);
    if (ba?.cyclesPerSec) targets.push(`- full login ≥ 1.2 × Better Auth's cycles/s: ${mark(full.cyclesPerSec >= 1.2 * ba.cyclesPerSec)} (${times(full.cyclesPerSec, ba.cyclesPerSec)}: ${fmt(full.cyclesPerSec)} vs ${fmt(ba.cyclesPerSec)})`);
  }
  if (product) {
    if (minimal?.cyclesPerSec) {
      targets.push(`- send → verify (2) ≥ 0.8 × the minimal-table floor 5c: ${mark(product.cyclesPerSec >= 0.8 * minimal.cyclesPerSec)} (${times(product.cyclesPerSec, minimal.cyclesPerSec)})`);
      if (product.pgCpuMsPerCycle && minimal.pgCpuMsPerCycle)
        targets.push(`- PostgreSQL CPU per cycle ≤ 1.5 × 5c's: ${mark(product.pgCpuMsPerCycle <= 1.5 * minimal.pgCpuMsPerCycle)} (${times(product.pgCpuMsPerCycle, minimal.pgCpuMsPerCycle)}: ${fmt(product.pgCpuMsPerCycle, 2)} vs ${fmt(minimal.pgCpuMsPerCycle, 2)} ms)`);
    }
    targets.push(`- verify p99 < 50 ms: ${mark(product.verify.p99 < 50)} (${fmt(product.verify.p99)} ms)`);
    targets.push(`- send p99 < 100 ms: ${mark(product.send.p99 < 100)} (${fmt(product.send.p99)} ms)`);
    targets.push(`- zero errors, DB check clean: ${mark(product.errorCount === 0 && product.dbCheck.ok)} (${product.errorCount} errors)`);
    if (floor?.cyclesPerSec) targets.push(`- (issue 9) ≥ 0.8 × floor 5b on our table: ${mark(product.cyclesPerSec >= 0.8 * floor.cyclesPerSec)} (${times(product.cyclesPerSec, floor.cyclesPerSec)}); server CPU ≤ 1.5 × 5b's: ${mark(product.cpuMsPerCycle <= 1.5 * floor.cpuMsPerCycle)} (${times(product.cpuMsPerCycle, floor.cpuMsPerCycle)})`);
  }
  return { markdown, targets };
}
