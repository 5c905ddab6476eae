/**
 * `npm run bench -- --faults [--rate 30]`: two product instances on PostgreSQL (SMS_TIMEOUT_MS=2000)
 * under a steady open-loop load while things break:
 *   the gateway fails (HTTP 503), recovers, turns slow (3 s > the 2 s timeout), recovers, answers
 *   HTML, recovers; then instance A is killed with SIGKILL and restarted while B keeps serving.
 * Checks: sends during a gateway fault answer 502 within the timeout budget, with every attempt in
 * SmsMessage; nothing piles up; sending recovers by itself; B serves through A's death; after the
 * restart no verification is half-written, none verified twice, and every code sent and not yet
 * used verifies exactly once (a second try is refused).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { makePool, percentiles, runLoad, type ApiStyle, type CycleRecord, type LoadRun } from "../driver";
import { ROOT } from "./build";
import { updateLatest } from "./latest";
import { checkDatabase, freshPostgres, openQuery, type DbCheck } from "./db";
import { freePort } from "./measure";
import { startProduct, type Gateway, type Server } from "./servers";

type Opts = { ref?: string; productDir: string; gateway: Gateway; databaseUrl: string; logDir: string; runId: string; resultsDir: string; api: ApiStyle; rate: number; log: (s: string) => void };

const SMS_TIMEOUT_MS = 2_000;
const SMS_MAX_RETRIES = 2; // the default
const SMS_RETRY_BASE_MS = 200; // the default
/** Worst case for a send whose every attempt times out: attempts × timeout + backoffs (+20 % jitter). */
const FAULT_BUDGET_MS = (SMS_MAX_RETRIES + 1) * SMS_TIMEOUT_MS + 1.2 * SMS_RETRY_BASE_MS * (2 ** SMS_MAX_RETRIES - 1);
const SLACK_MS = 1_000;

type Phase = { name: string; mode: "ok" | "fail" | "slow" | "html" | "kill"; from: number; to: number; delayMs?: number };

const GATEWAY_PHASES: Phase[] = [
  { name: "baseline", mode: "ok", from: 0, to: 5_000 },
  { name: "gateway failing (503)", mode: "fail", from: 5_000, to: 11_000 },
  { name: "recovered", mode: "ok", from: 11_000, to: 16_000 },
  { name: "gateway slow (3 s > 2 s timeout)", mode: "slow", from: 16_000, to: 24_000, delayMs: 3_000 },
  { name: "recovered", mode: "ok", from: 24_000, to: 32_000 },
  { name: "gateway answers HTML", mode: "html", from: 32_000, to: 36_000 },
  { name: "recovered", mode: "ok", from: 36_000, to: 41_000 },
];
const KILL_AT = 41_000;
const DOWN_FOR = 8_000;
const AFTER_RESTART = 7_000;

type PhaseReport = {
  name: string;
  mode: string;
  sends: number;
  statuses: Record<string, number>;
  sendMaxMs: number;
  sendP99Ms: number;
  verifyOk: number;
  driverPeakInFlight: number;
  gatewayPeakInFlight?: number;
  firstOkAfterMs?: number;
  ok: boolean;
  notes: string[];
};

/** A request to instance A (target 0) still open when A was killed: the kill cut it, not the gateway. */
const cutByKill = (r: LoadRun["requests"][number], killedAt: number) =>
  killedAt > 0 && r.target === 0 && r.start < killedAt && r.end >= killedAt && typeof r.status === "string";

function phaseReport(run: LoadRun, p: Phase, gatewayPeak?: number, killedAt = 0): PhaseReport {
  const all = run.requests.filter((r) => r.ep === "send" && r.start >= p.from && r.start < p.to);
  const sends = all.filter((r) => !cutByKill(r, killedAt));
  const statuses: Record<string, number> = {};
  for (const s of sends) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
  const lat = percentiles(sends.map((s) => s.end - s.start));
  const verifyOk = run.requests.filter((r) => r.ep === "verify" && r.start >= p.from && r.start < p.to && r.status === 200).length;
  const peak = Math.max(0, ...run.inFlightSamples.filter(([t]) => t >= p.from && t < p.to).map(([, n]) => n));
  const notes: string[] = [];
  let ok = true;
  // Driver's view, by when the driver sent: a send queued in the server across a switch meets the
  // other mode, so only answers other than 200/502 fail here; the gateway timeline below decides.
  if (p.mode !== "kill") {
    const other = sends.filter((s) => s.status !== 502 && s.status !== 200).length;
    if (other) {
      ok = false;
      notes.push(`${other} sends answered neither 502 nor 200`);
    }
  }
  const cut = all.length - sends.length;
  if (cut) notes.push(`${cut} send${cut === 1 ? "" : "s"} in flight to A cut off by its kill -9 (counted under the kill)`);
  const firstOk = sends.find((s) => s.status === 200);
  return {
    name: p.name,
    mode: p.mode,
    sends: sends.length,
    statuses,
    sendMaxMs: Math.round(lat.max || 0),
    sendP99Ms: Math.round(lat.p99 || 0),
    verifyOk,
    driverPeakInFlight: peak,
    gatewayPeakInFlight: gatewayPeak,
    firstOkAfterMs: p.mode === "ok" && firstOk ? Math.round(firstOk.end - p.from) : undefined,
    ok,
    notes,
  };
}

export async function runFaults(o: Opts): Promise<boolean> {
  await freshPostgres(o.databaseUrl);
  const extra = { SMS_TIMEOUT_MS: String(SMS_TIMEOUT_MS) };
  const portA = await freePort();
  const portB = await freePort();
  const start = (name: string, port: number) =>
    startProduct({ buildDir: o.productDir, port, databaseUrl: o.databaseUrl, gatewayUrl: o.gateway.url, logDir: o.logDir, name, env: extra });
  let a: Server = await start("faults-product-A", portA);
  const b: Server = await start("faults-product-B", portB);
  o.log(`faults: A ${a.url}, B ${b.url}, SMS_TIMEOUT_MS=${SMS_TIMEOUT_MS}, ${o.rate} cycles/s open loop; budget per failed send ${FAULT_BUDGET_MS} ms (+${SLACK_MS} ms slack)`);
  await o.gateway.setMode("ok");

  const gatewayPeaks: number[] = [];
  // When each switch actually took effect (the tick runs up to ~100 ms after the planned time).
  const switchedAt: number[] = [];
  let phase = 0;
  let killedAt = 0;
  let restartedAt = 0;
  let restartMs = 0;
  let total = KILL_AT + DOWN_FOR + AFTER_RESTART + 60_000; // shortened once A is back
  try {
    const run = await runLoad({
      targets: [a.url, b.url],
      api: o.api,
      gatewayUrl: o.gateway.url,
      rate: o.rate,
      maxInFlight: 1_024,
      get durationMs() {
        return total;
      },
      onTick: async (elapsed, run) => {
        while (phase < GATEWAY_PHASES.length && elapsed >= GATEWAY_PHASES[phase].from) {
          const p = GATEWAY_PHASES[phase];
          if (phase > 0) gatewayPeaks.push((await o.gateway.stats()).peakInFlight);
          await o.gateway.setMode(p.mode, p.delayMs);
          switchedAt[phase] = phase === 0 ? 0 : performance.now() - run.t0;
          o.log(`faults: ${(elapsed / 1000).toFixed(1)} s gateway → ${p.mode}${p.delayMs ? ` (${p.delayMs} ms)` : ""}`);
          phase++;
        }
        if (!killedAt && elapsed >= KILL_AT) {
          gatewayPeaks.push((await o.gateway.stats()).peakInFlight);
          await a.proc.crash();
          killedAt = performance.now() - run.t0;
          o.log(`faults: ${(elapsed / 1000).toFixed(1)} s kill -9 of instance A`);
        }
        if (killedAt && !restartedAt && elapsed >= killedAt + DOWN_FOR) {
          const t = performance.now();
          a = await start("faults-product-A-restarted", portA);
          restartMs = performance.now() - t;
          restartedAt = performance.now() - run.t0;
          total = restartedAt + AFTER_RESTART;
          o.log(`faults: A restarted in ${(restartMs / 1000).toFixed(1)} s`);
        }
      },
    } as Parameters<typeof runLoad>[0]);

    const phases: Phase[] = [
      ...GATEWAY_PHASES.map((p, i) => ({ ...p, from: switchedAt[i], to: i === GATEWAY_PHASES.length - 1 ? killedAt : switchedAt[i + 1] })),
      { name: "A killed (B alone)", mode: "kill", from: killedAt, to: restartedAt },
      { name: "A restarted", mode: "ok", from: restartedAt, to: total },
    ];
    const reports = phases.map((p, i) => phaseReport(run, p, gatewayPeaks[i], killedAt));
    // While A is down: what B answered, and what happened to A-bound requests.
    const outage = run.requests.filter((r) => ((r.start >= killedAt && r.start < restartedAt) || cutByKill(r, killedAt)) && r.ep !== "code");
    const bReqs = outage.filter((r) => r.target === 1);
    const aReqs = outage.filter((r) => r.target === 0);
    const bOk = bReqs.filter((r) => r.status === 200).length;
    const bP99 = percentiles(bReqs.map((r) => r.end - r.start)).p99;
    const aErrors: Record<string, number> = {};
    for (const r of aReqs) aErrors[String(r.status)] = (aErrors[String(r.status)] ?? 0) + 1;
    reports[reports.length - 2].notes.push(`B answered ${bOk}/${bReqs.length} requests 200 (p99 ${Math.round(bP99)} ms); A-bound: ${JSON.stringify(aErrors)}`);
    if (bOk !== bReqs.length) reports[reports.length - 2].ok = false;

    await new Promise((r) => setTimeout(r, 500));
    const timeline = await gatewayTimeline(o.databaseUrl, ((await o.gateway.stats()) as unknown as { modeChanges: { at: string; mode: string }[] }).modeChanges.slice(-GATEWAY_PHASES.length));
    const outstanding = await verifyOutstandingCodes(run.cycles, o, b);
    const check = await dbAfter(o.databaseUrl, run.cycles);

    const ok = reports.every((r) => r.ok) && timeline.ok && outstanding.ok && check.ok;
    const summary = { kind: "faults", startedAt: new Date().toISOString(), rate: o.rate, smsTimeoutMs: SMS_TIMEOUT_MS, budgetMs: FAULT_BUDGET_MS, restartMs: Math.round(restartMs), phases: reports, timeline, outstanding, dbCheck: check, ok };
    const file = path.join(o.resultsDir, `${o.runId}-faults.json`);
    writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    const md = faultsMarkdown(summary);
    console.log(md);
    if (!o.ref) updateLatest(o.resultsDir, "faults", `## Faults (${summary.startedAt})\n\n${md}`);
    console.log(`\nresults: ${path.relative(ROOT, file)}`);
    return ok;
  } finally {
    await a.proc.stop();
    await b.proc.stop();
  }
}

type Timeline = {
  modes: { mode: string; from: string; attemptsOk: number; attemptsFailed: Record<string, number> }[];
  /** Attempts that started while the gateway was fine but failed, or during a fault but succeeded. */
  mismatches: number;
  /** Slowest server-side SMS part of a send answered 502: first attempt start → last attempt end. */
  failedSendSmsMaxMs: number;
  /** After each switch back to ok: ms until the first successful attempt. */
  recoveryMs: number[];
  ok: boolean;
  notes: string[];
};

/**
 * The gateway's own timeline: every SMS attempt the product stored (SmsMessage, started at) against
 * the fake's mode switches. Attempts made while the gateway was fine must succeed, attempts during
 * a fault must fail, and a 502's whole SMS part must fit the timeout budget.
 */
async function gatewayTimeline(url: string, changes: { at: string; mode: string }[]): Promise<Timeline> {
  const q = await openQuery({ kind: "postgres", url });
  try {
    const attempts = await q.query<{ vid: string; attempt: number; at: Date; ms: number; status: string; code: string | null; vstatus: string }>(
      `SELECT s."verificationId" AS vid, s.attempt, s."createdAt" AS at, s."latencyMs" AS ms, s.status::text AS status, s."errorCode" AS code, v.status::text AS vstatus
         FROM "SmsMessage" s JOIN "Verification" v ON v.id = s."verificationId" ORDER BY s."createdAt"`,
    );
    // Prisma stores UTC in timestamp(3); pg reads it as local time: compare in the same frame.
    const t = (d: Date) => d.getTime() - d.getTimezoneOffset() * 60_000;
    const switches = changes.map((c) => ({ mode: c.mode, at: Date.parse(c.at), from: c.at }));
    const modeAt = (ms: number) => {
      let m = switches[0];
      for (const sw of switches) if (sw.at <= ms) m = sw;
      return m;
    };
    const modes = switches.map((sw) => ({ mode: sw.mode, from: sw.from, attemptsOk: 0, attemptsFailed: {} as Record<string, number> }));
    let mismatches = 0;
    const notes: string[] = [];
    const firstOkAfter = new Map<number, number>();
    for (const a of attempts) {
      const start = t(a.at);
      const m = modeAt(start);
      const i = switches.indexOf(m);
      // Within 50 ms of a switch, the request may have reached the gateway on either side.
      const nearSwitch = switches.some((sw) => Math.abs(sw.at - start) < 50);
      if (a.status === "sent") {
        modes[i].attemptsOk++;
        if (!firstOkAfter.has(i)) firstOkAfter.set(i, start - m.at);
        if (m.mode !== "ok" && !nearSwitch) mismatches++;
      } else {
        modes[i].attemptsFailed[a.code ?? "?"] = (modes[i].attemptsFailed[a.code ?? "?"] ?? 0) + 1;
        // A timed-out attempt started just before the switch back is still a timeout: judge it by its start.
        if (m.mode === "ok" && !nearSwitch) mismatches++;
      }
    }
    if (mismatches) notes.push(`${mismatches} attempts disagree with the gateway's mode at their start`);
    const bySend = new Map<string, typeof attempts>();
    for (const a of attempts) if (a.vstatus === "failed") bySend.set(a.vid, [...(bySend.get(a.vid) ?? []), a]);
    let failedSendSmsMaxMs = 0;
    for (const list of bySend.values()) {
      const first = t(list[0].at);
      const last = list[list.length - 1];
      failedSendSmsMaxMs = Math.max(failedSendSmsMaxMs, t(last.at) + last.ms - first);
    }
    if (failedSendSmsMaxMs > FAULT_BUDGET_MS + SLACK_MS) notes.push(`a failed send's SMS part took ${failedSendSmsMaxMs} ms > ${FAULT_BUDGET_MS + SLACK_MS} ms`);
    const recoveryMs = switches.map((sw, i) => (i > 0 && sw.mode === "ok" ? Math.round(firstOkAfter.get(i) ?? NaN) : NaN)).filter((x) => !Number.isNaN(x));
    return { modes, mismatches, failedSendSmsMaxMs, recoveryMs, ok: notes.length === 0, notes };
  } finally {
    await q.close();
  }
}

type Outstanding = { tried: number; verifiedOnce: number; secondRefused: number; alreadyUsedAfterCutOff: number; failedCodesRefused: number; problems: string[]; ok: boolean };

/**
 * Every code that reached the gateway and was not used: verify it (on B), then once more. A code
 * whose verify was cut off by the kill may already be used; a code from a failed send must not work.
 */
async function verifyOutstandingCodes(cycles: CycleRecord[], o: Opts, b: Server): Promise<Outstanding> {
  const pool = makePool(b.url, 16);
  const gw = makePool(o.gateway.url, 16);
  const out: Outstanding = { tried: 0, verifiedOnce: 0, secondRefused: 0, alreadyUsedAfterCutOff: 0, failedCodesRefused: 0, problems: [], ok: true };
  const post = async (c: CycleRecord, code: string) => {
    const res = await pool.request({ method: "POST", path: o.api.verifyPath, headers: { "content-type": "application/json", "x-forwarded-for": c.ip }, body: JSON.stringify(o.api.verifyBody(c.phone, code)) });
    await res.body.text();
    return res.statusCode;
  };
  const candidates = cycles.filter((c) => c.verifyStatus !== 200 && (c.sendStatus === 200 || typeof c.sendStatus === "string" || c.sendStatus === 502));
  try {
    for (let i = 0; i < candidates.length; i += 16) {
      await Promise.all(
        candidates.slice(i, i + 16).map(async (c) => {
          const res = await gw.request({ method: "GET", path: `/last-code?number=${c.phone.slice(1)}` });
          const body = (await res.body.json()) as { code?: string };
          if (!body.code) return;
          const first = await post(c, body.code);
          if (c.sendStatus === 502) {
            if (first === 200) out.problems.push(`${c.phone}: a code from a failed send verified`);
            else out.failedCodesRefused++;
            return;
          }
          out.tried++;
          if (first === 200) {
            out.verifiedOnce++;
            c.verifyStatus = 200;
          } else if (typeof c.verifyStatus === "string") {
            out.alreadyUsedAfterCutOff++; // its verify reached A before the kill; the DB check confirms it is verified
          } else {
            out.problems.push(`${c.phone}: sent (${c.sendStatus}), never used, verify answered ${first}`);
          }
          const second = await post(c, body.code);
          if (second === 200) out.problems.push(`${c.phone}: the same code verified twice`);
          else out.secondRefused++;
        }),
      );
    }
  } finally {
    await pool.close();
    await gw.close();
  }
  out.ok = out.problems.length === 0;
  return out;
}

async function dbAfter(url: string, cycles: CycleRecord[]): Promise<DbCheck> {
  const q = await openQuery({ kind: "postgres", url });
  try {
    return await checkDatabase(q, cycles, { product: true, allowInterrupted: true });
  } finally {
    await q.close();
  }
}

type FaultSummary = { rate: number; smsTimeoutMs: number; budgetMs: number; restartMs: number; phases: PhaseReport[]; timeline: Timeline; outstanding: Outstanding; dbCheck: DbCheck; ok: boolean };

export function faultsMarkdown(s: FaultSummary): string {
  const rows = s.phases.map(
    (p) =>
      `| ${p.name} | ${p.sends} | ${Object.entries(p.statuses).map(([k, v]) => `${k}: ${v}`).join(", ")} | ${p.sendP99Ms} | ${p.sendMaxMs} | ${p.driverPeakInFlight} | ${p.gatewayPeakInFlight ?? "–"} | ${p.firstOkAfterMs ?? "–"} | ${p.ok ? "ok" : "FAIL"} ${p.notes.join("; ")} |`,
  );
  const d = s.dbCheck;
  return [
    `Faults at ${s.rate} cycles/s, two instances, SMS_TIMEOUT_MS=${s.smsTimeoutMs} (budget per failed send ${s.budgetMs} ms):`,
    "",
    "Driver's view (phases by when the driver sent; latency includes queueing in the server):",
    "",
    "| Phase | sends | statuses | send p99 ms | send max ms | cycles in flight (peak) | gateway in flight (peak) | first 200 after ms | result |",
    "|---|--:|---|--:|--:|--:|--:|--:|---|",
    ...rows,
    "",
    "Gateway's view (every SMS attempt the product stored, by when it started, against the gateway's mode):",
    "",
    "| Gateway mode from | attempts sent | attempts failed |",
    "|---|--:|---|",
    ...s.timeline.modes.map((m) => `| ${m.mode} (${m.from.slice(11, 23)}) | ${m.attemptsOk} | ${Object.entries(m.attemptsFailed).map(([k, v]) => `${k}: ${v}`).join(", ") || "0"} |`),
    "",
    `- attempts disagreeing with the gateway's mode: ${s.timeline.mismatches}; slowest SMS part of a send answered 502: ${s.timeline.failedSendSmsMaxMs} ms (budget ${s.budgetMs} ms = 3 attempts × ${s.smsTimeoutMs} ms + backoff); first successful attempt after each recovery: ${s.timeline.recoveryMs.join(", ")} ms${s.timeline.notes.length ? `; PROBLEMS: ${s.timeline.notes.join("; ")}` : ""}`,
    `- 502 sends recorded: ${d.failedSends.rowsFailed}/${d.failedSends.answered} rows failed/failed, ${d.failedSends.withSmsAttempts} with their SmsMessage attempts (${d.failedSends.smsAttempts} attempts, all failed)`,
    `- A restarted in ${(s.restartMs / 1000).toFixed(1)} s`,
    `- codes sent and not yet used: ${s.outstanding.tried} tried after the restart, ${s.outstanding.verifiedOnce} verified once, ${s.outstanding.secondRefused} second tries refused, ${s.outstanding.alreadyUsedAfterCutOff} already used by a verify cut off by the kill; codes of failed sends refused: ${s.outstanding.failedCodesRefused}`,
    `- database: ${d.rows} rows, ${d.verifiedRows} verified; ${d.smsOutcomeMissing} rows whose SMS outcome was never recorded (send cut off by the kill), ${d.verifiedWithoutAttempt} verified rows without a 'verified' VerifyAttempt; ${d.ok ? "no row verified twice, no half-written verification" : `PROBLEMS: ${d.problems.join("; ")}`}`,
    ...s.outstanding.problems.map((p) => `- PROBLEM: ${p}`),
    "",
    s.ok ? "Faults: all checks passed." : "Faults: CHECKS FAILED.",
  ].join("\n");
}
