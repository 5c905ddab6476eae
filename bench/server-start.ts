// npm run bench:start [-- --runs 5 --jobs off|on]
// How long the server-start function (lib/startup.ts startServer, what instrumentation.ts runs before
// the first request) takes on embedded PGlite: each run is a fresh process on the same, already
// migrated data directory, like a restart. Prints each run and the median in milliseconds, and what
// opening the job queue then costs (what every JOBS=off start paid before the queue opened lazily).
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";

const DATA = "data/bench/server-start";

async function child() {
  const { startServer } = await import("../lib/startup");
  const { closeDatabase } = await import("../lib/db");
  const { getJobQueue } = await import("../lib/jobs/runtime");
  const started = performance.now();
  await startServer();
  const ms = performance.now() - started;
  const opening = performance.now();
  const boss = await getJobQueue();
  const queueMs = performance.now() - opening;
  await boss.stop({ graceful: false, close: true });
  await closeDatabase();
  console.log(JSON.stringify({ ms, queueMs }));
  process.exit(0);
}

type Sample = { ms: number; queueMs: number };

function run(jobs: string): Sample {
  const res = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/server-start.ts", "--child"], {
    env: { ...process.env, NODE_ENV: "development", DATABASE_URL: `${DATA}/pglite`, DATA_DIR: DATA, JOBS: jobs, LOG_LEVEL: "warn" },
    encoding: "utf8",
  });
  const line = res.stdout.trim().split("\n").at(-1) ?? "";
  if (res.status !== 0 || !line.startsWith("{")) throw new Error(`start failed: ${res.stderr || res.stdout}`);
  return JSON.parse(line) as Sample;
}

if (process.argv.includes("--child")) {
  void child();
} else {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, jobs: { type: "string", default: "off" } } });
  rmSync(DATA, { recursive: true, force: true });
  // The first start creates and migrates the directory (and, with the queue, installs pg-boss's schema).
  const first = run("on");
  const samples = Array.from({ length: Number(values.runs) }, () => run(values.jobs!));
  const line = (label: string, ms: number[]) => {
    const median = [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];
    console.log(`${label}: ${ms.map((n) => n.toFixed(0)).join(", ")} ms; median ${median.toFixed(0)} ms`);
  };
  console.log(`first start (JOBS=on, new directory): ${first.ms.toFixed(0)} ms`);
  line(`startServer, JOBS=${values.jobs}`, samples.map((s) => s.ms));
  line("then opening the queue", samples.map((s) => s.queueMs));
  rmSync(DATA, { recursive: true, force: true });
}
