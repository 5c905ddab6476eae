/**
 * PostgreSQL's side of a cycle, without Node: pgbench runs one cycle's SQL (bench/sql/*.sql) with 8
 * clients for --seconds, and we divide PostgreSQL's CPU time (/proc) by the cycles it completed.
 * "extended" is how Prisma sends every statement (unnamed: parsed and planned each time);
 * "prepared" is named statements, parsed and planned once per connection.
 *   npm run bench:sql [-- --seconds 10 --repeat 3]   (needs pgbench; uses BENCH_DATABASE_URL's server)
 * Runs are interleaved and repeated; the table shows medians (the machine is shared).
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { dropPostgres, freshPostgres } from "./lib/db";
import { postgresCpuMs } from "./lib/procs";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, repeat: { type: "string", default: "3" } } });
const base = new URL(process.env.BENCH_DATABASE_URL?.trim() || "postgresql://postgres@127.0.0.1:5432/otp_bench");
base.pathname = "/otp_bench_sql";
const url = base.toString();

const RUNS: [file: string, mode: "extended" | "prepared", what: string][] = [
  ["floor-cycle.sql", "extended", "floor: INSERT + conditional UPDATE"],
  ["floor-cycle.sql", "prepared", "floor, named statements"],
  ["product-cycle.sql", "extended", "product: otp_begin_send + otp_record_sms + otp_check_code (as sent today)"],
  ["product-cycle.sql", "prepared", "product, named statements"],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(file: string, mode: string) {
  await freshPostgres(url);
  const cpu0 = postgresCpuMs();
  const out = execFileSync(
    "pgbench",
    ["-n", "-h", base.hostname, "-p", base.port || "5432", "-U", decodeURIComponent(base.username) || "postgres", "-f", `bench/sql/${file}`, "-M", mode, "-c", "8", "-j", "2", "-T", values.seconds!, "otp_bench_sql"],
    { encoding: "utf8" },
  );
  const cpu1 = postgresCpuMs();
  const cycles = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  return { tps, cpu: (cpu1 - cpu0) / cycles, failed };
}

async function main() {
  const results = RUNS.map(() => [] as { tps: number; cpu: number; failed: number }[]);
  for (let r = 0; r < Number(values.repeat); r++) {
    for (const [i, [file, mode, what]] of RUNS.entries()) {
      results[i].push(await once(file, mode));
      console.error(`round ${r + 1}: ${what} (${mode}): ${JSON.stringify(results[i].at(-1))}`);
    }
  }
  await dropPostgres(url);
  const rows = RUNS.map(([, mode, what], i) => {
    const xs = results[i];
    return `| ${what} | ${mode} | ${Math.round(median(xs.map((x) => x.tps)))} | ${median(xs.map((x) => x.cpu)).toFixed(3)} (${xs.map((x) => x.cpu.toFixed(2)).join(", ")}) | ${xs.reduce((a, x) => a + x.failed, 0)} |`;
  });
  console.log(["| SQL of one cycle | protocol | cycles/s (8 clients, median) | PostgreSQL CPU ms / cycle: median (runs) | failed |", "|---|---|--:|--:|--:|", ...rows].join("\n"));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
