"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useState } from "react";
import useSWR from "swr";
import { formatDateTime, formatHour, formatUtcDay, type Reader } from "@/lib/reader-time";
import { Panel } from "./admin-shell";
import { useAdminReader } from "./admin-time";
import { BreakdownPanel } from "./breakdown";
import { ErrorPanel, Skeleton } from "./states";
import { adminFetcher, type FetchError } from "./fetcher";
import { number, percent } from "./format";
import type { StatsJson } from "./types";

type Point = StatsJson["series"][number];

export const PERIODS = {
  "24h": { label: "24 hours", ms: 86_400_000, bucket: "hour" },
  "7d": { label: "7 days", ms: 7 * 86_400_000, bucket: "day" },
  "30d": { label: "30 days", ms: 30 * 86_400_000, bucket: "day" },
} as const;
export type Period = keyof typeof PERIODS;

const COLORS = { sent: "#2f6fed", verified: "#10b981", failed: "#f43f5e" };

async function loadStats([, period]: [string, Period]): Promise<StatsJson> {
  const { ms, bucket } = PERIODS[period];
  const to = new Date();
  const from = new Date(to.getTime() - ms);
  const qs = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), bucket });
  return adminFetcher<StatsJson>(`/api/admin/stats?${qs}`);
}

function PeriodPicker({ period }: { period: Period }) {
  const router = useRouter();
  const pathname = usePathname();
  return (
    <div role="group" aria-label="Period" className="inline-flex rounded-lg border border-slate-300 bg-white p-0.5 shadow-sm dark:border-slate-700 dark:bg-slate-900">
      {(Object.keys(PERIODS) as Period[]).map((p) => (
        <button
          key={p}
          type="button"
          aria-pressed={p === period}
          onClick={() => router.replace(`${pathname}?period=${p}`, { scroll: false })}
          className={`rounded-md px-3 py-1.5 text-sm font-medium transition-colors ${
            p === period ? "bg-brand-600 text-white shadow-sm" : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          } focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:focus-visible:outline-blue-300`}
        >
          {PERIODS[p].label}
        </button>
      ))}
    </div>
  );
}

/** One figure; `value` null while loading (a skeleton, not a dash that could pass for data). */
function StatCard({ label, value, hint, tone = "text-slate-900 dark:text-slate-50" }: { label: string; value: string | null; hint?: string; tone?: string }) {
  return (
    <Panel className="p-4 sm:p-5">
      <p className="text-sm font-medium text-slate-600 dark:text-slate-400">{label}</p>
      {value === null ? (
        <Skeleton className="mt-2 h-8 w-20 sm:h-9" />
      ) : (
        <p className={`mt-2 text-2xl font-semibold tracking-tight tabular-nums sm:text-3xl ${tone}`}>{value}</p>
      )}
      {hint && <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{hint}</p>}
    </Panel>
  );
}

// Hours are instants, shown in the browser's zone; the stats count whole UTC days, so a day is named as its UTC date.
function tick(t: string, bucket: string, reader: Reader) {
  return bucket === "hour" ? formatHour(t, reader) : formatUtcDay(t, reader.locale, { year: false });
}

/** A bucket in full: "2 déc. 2026, 13:00" for an hour, "23 nov. 2026" for a (UTC) day. */
function bucketName(t: string, bucket: string, reader: Reader) {
  return bucket === "hour" ? formatDateTime(t, reader, { seconds: false }) : formatUtcDay(t, reader.locale);
}

/**
 * The buckets to plot: the first one starts before the period (its counts cover only part of it), so it
 * is left out rather than drawn as a dip that never happened. The last one is still filling up: the
 * tooltip and the caption say so.
 */
export function fullBuckets(series: Point[], from: string): Point[] {
  const start = Date.parse(from);
  return series.filter((p) => Date.parse(p.t) >= start);
}

const KEYS = ["sent", "verified", "failed"] as const;
type Key = (typeof KEYS)[number];
type ChartPoint = { t: string; counts: Point } & Partial<Record<Key | `${Key}Now`, number>>;

/**
 * Whole buckets feed the solid lines; the bucket still in progress is joined to the last whole one by a
 * dashed segment (`<key>Now`), so its low count does not read as a drop.
 */
function chartPoints(series: Point[]): ChartPoint[] {
  return series.map((p, i) => {
    const point: ChartPoint = { t: p.t, counts: p };
    const isLast = i === series.length - 1;
    for (const k of KEYS) {
      if (!isLast) point[k] = p[k];
      if (i >= series.length - 2) point[`${k}Now`] = p[k];
    }
    return point;
  });
}

const NAMES: Record<Key, string> = { sent: "Sent", verified: "Verified", failed: "SMS failed" };

function ChartTooltip({ active, payload, lastT, bucket, reader }: { active?: boolean; payload?: { payload: ChartPoint }[]; lastT?: string; bucket: string; reader: Reader }) {
  const point = payload?.[0]?.payload;
  if (!active || !point) return null;
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-[13px] text-slate-900 shadow-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
      <p className="font-semibold">
        {bucketName(point.t, bucket, reader)}
        {bucket === "day" ? " (UTC)" : ""}
        {point.t === lastT ? ` (${bucket} in progress)` : ""}
      </p>
      {KEYS.map((k) => (
        <p key={k} style={{ color: COLORS[k] }}>
          {NAMES[k]}: {number(point.counts[k])}
        </p>
      ))}
    </div>
  );
}

/** Cards and the sent / verified / failed chart for the chosen period; refreshes every 15 s. */
export function Overview() {
  const params = useSearchParams();
  const period: Period = (params.get("period") as Period) in PERIODS ? (params.get("period") as Period) : "24h";
  const { data, error, isLoading, isValidating, mutate } = useSWR<StatsJson, FetchError>(["admin-stats", period], loadStats, { refreshInterval: 15_000, keepPreviousData: true });
  const series = data ? fullBuckets(data.series, data.from) : [];
  const bucket = data?.bucket ?? PERIODS[period].bucket;
  const lastT = series.at(-1)?.t;
  const reader = useAdminReader();
  // The legend is ours: named, keyboard-reachable buttons that show or hide a line.
  const [hidden, setHidden] = useState<ReadonlySet<Key>>(new Set());
  const toggle = (k: Key) => setHidden((h) => { const next = new Set(h); if (next.has(k)) next.delete(k); else next.add(k); return next; });
  const retry = () => void mutate();
  const show = (format: (d: StatsJson) => string) => (data ? format(data) : null);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <PeriodPicker period={period} />
        <p className="text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
          {error && data ? (
            <span className="text-rose-700 dark:text-rose-300">
              Couldn&apos;t refresh: {error.message}{" "}
              <button type="button" onClick={retry} className="font-medium underline underline-offset-2">
                Retry
              </button>
            </span>
          ) : error ? (
            ""
          ) : isLoading && !data ? (
            "Loading…"
          ) : (
            `Live · updates every 15 s · ${bucket === "hour" ? `times in ${reader.timeZone}` : "days in UTC"}`
          )}
        </p>
      </div>

      {error && !data ? (
        <ErrorPanel title="Couldn't load the figures" message={error.message} onRetry={retry} retrying={isValidating} />
      ) : (
        <>
          <div
            className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-3 xl:grid-cols-6"
            {...(!data ? { role: "status", "aria-label": "Loading the figures" } : {})}
          >
            <StatCard label="Codes sent" value={show((d) => number(d.sent))} hint={`last ${PERIODS[period].label}`} />
            <StatCard label="Verified" value={show((d) => number(d.verified))} tone="text-emerald-700 dark:text-emerald-400" />
            <StatCard label="Conversion" value={show((d) => percent(d.conversionPct))} hint="verified ÷ sent" />
            <StatCard label="SMS failure" value={show((d) => percent(d.smsFailurePct))} hint={data ? `${number(data.smsFailed)} failed or undelivered` : undefined} tone="text-rose-700 dark:text-rose-400" />
            <StatCard label="Locked" value={show((d) => number(d.locked))} hint="too many wrong codes" />
            <StatCard label="Rate-limited" value={show((d) => number(d.rateLimited))} hint="requests refused" />
          </div>

          <Panel className="p-4 sm:p-6">
            <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
              <h2 className="text-base font-semibold">Codes per {bucket}</h2>
              <Link href="/admin/verifications" className="text-sm font-medium text-brand-700 hover:underline dark:text-blue-300">
                View verifications →
              </Link>
            </div>
            <div className="h-72 w-full" role="img" aria-label={`Chart of codes sent, verified and failed per ${bucket}`}>
              {data ? (
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart data={chartPoints(series)} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} vertical={false} />
                    <XAxis dataKey="t" tickFormatter={(t: string) => tick(t, data.bucket, reader)} tick={{ fontSize: 12, fill: "currentColor" }} stroke="currentColor" strokeOpacity={0.3} minTickGap={24} />
                    <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: "currentColor" }} stroke="currentColor" strokeOpacity={0.3} width={56} />
                    <Tooltip content={<ChartTooltip lastT={lastT} bucket={data.bucket} reader={reader} />} />
                    {/* Straight segments: counts per bucket, nothing in between to interpolate. */}
                    {KEYS.map((k) => (
                      <Line key={k} type="linear" dataKey={k} name={NAMES[k]} hide={hidden.has(k)} stroke={COLORS[k]} strokeWidth={2} dot={series.length <= 31 ? { r: 2 } : false} isAnimationActive={false} />
                    ))}
                    {KEYS.map((k) => (
                      <Line key={`${k}Now`} type="linear" dataKey={`${k}Now`} hide={hidden.has(k)} stroke={COLORS[k]} strokeWidth={2} strokeDasharray="4 4" dot={false} legendType="none" isAnimationActive={false} />
                    ))}
                  </LineChart>
                </ResponsiveContainer>
              ) : (
                <Skeleton className="size-full" />
              )}
            </div>
            <ul aria-label="Chart legend: show or hide a line" className="mt-3 flex flex-wrap gap-2">
              {KEYS.map((k) => (
                <li key={k}>
                  <button
                    type="button"
                    aria-pressed={!hidden.has(k)}
                    onClick={() => toggle(k)}
                    className="inline-flex min-h-9 items-center gap-2 rounded-md border border-slate-300 px-2.5 text-[13px] font-medium aria-[pressed=false]:text-slate-500 aria-[pressed=false]:line-through hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600 dark:border-slate-700 dark:hover:bg-slate-800 dark:focus-visible:outline-blue-300"
                  >
                    <span aria-hidden="true" className="inline-block h-0.5 w-4" style={{ background: COLORS[k] }} />
                    {NAMES[k]}
                  </button>
                </li>
              ))}
            </ul>
            {data && (
              <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
                Whole {data.bucket === "hour" ? `hours in ${reader.timeZone}` : "days in UTC"}; dashed: the {data.bucket} still in progress.
              </p>
            )}
            {data && (
              <details className="mt-3 text-sm">
                <summary className="cursor-pointer font-medium text-brand-700 hover:underline dark:text-blue-300">Show the figures as a table</summary>
                <div className="mt-2 max-h-80 overflow-auto">
                  <table className="min-w-full text-left text-[13px] tabular-nums">
                    <caption className="sr-only">Codes per {data.bucket}{data.bucket === "day" ? " (UTC)" : ""}</caption>
                    <thead className="text-xs text-slate-600 dark:text-slate-400">
                      <tr>
                        <th scope="col" className="px-2 py-1">{data.bucket === "hour" ? "Hour" : "Day (UTC)"}</th>
                        {KEYS.map((k) => (
                          <th key={k} scope="col" className="px-2 py-1 text-right">{NAMES[k]}</th>
                        ))}
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                      {series.map((p) => (
                        <tr key={p.t}>
                          <th scope="row" className="px-2 py-1 font-normal">
                            <time dateTime={p.t}>{bucketName(p.t, data.bucket, reader)}</time>
                            {p.t === lastT ? " (in progress)" : ""}
                          </th>
                          {KEYS.map((k) => (
                            <td key={k} className="px-2 py-1 text-right">{number(p[k])}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            )}
          </Panel>

          <BreakdownPanel periodMs={PERIODS[period].ms} label={PERIODS[period].label} />
        </>
      )}
    </div>
  );
}
