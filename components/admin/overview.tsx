"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import useSWR from "swr";
import { Panel } from "./admin-shell";
import { adminFetcher, type FetchError } from "./fetcher";
import { number, percent } from "./format";
import type { StatsJson } from "./types";

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
          }`}
        >
          {PERIODS[p].label}
        </button>
      ))}
    </div>
  );
}

function StatCard({ label, value, hint, tone = "text-slate-900 dark:text-slate-50" }: { label: string; value: string; hint?: string; tone?: string }) {
  return (
    <Panel className="p-4 sm:p-5">
      <p className="text-sm font-medium text-slate-600 dark:text-slate-400">{label}</p>
      <p className={`mt-2 text-2xl font-semibold tracking-tight tabular-nums sm:text-3xl ${tone}`}>{value}</p>
      {hint && <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{hint}</p>}
    </Panel>
  );
}

function tick(t: string, bucket: string) {
  return bucket === "hour" ? `${t.slice(11, 16)}` : `${t.slice(5, 10)}`;
}

/** Cards and the sent / verified / failed chart for the chosen period; refreshes every 15 s. */
export function Overview() {
  const params = useSearchParams();
  const period: Period = (params.get("period") as Period) in PERIODS ? (params.get("period") as Period) : "24h";
  const { data, error, isLoading } = useSWR<StatsJson, FetchError>(["admin-stats", period], loadStats, { refreshInterval: 15_000, keepPreviousData: true });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <PeriodPicker period={period} />
        <p className="text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
          {error ? <span className="text-rose-700 dark:text-rose-300">{error.message}</span> : isLoading && !data ? "Loading…" : "Live · updates every 15 s · times in UTC"}
        </p>
      </div>

      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-3 xl:grid-cols-6">
        <StatCard label="Codes sent" value={data ? number(data.sent) : "—"} hint={`last ${PERIODS[period].label}`} />
        <StatCard label="Verified" value={data ? number(data.verified) : "—"} tone="text-emerald-700 dark:text-emerald-400" />
        <StatCard label="Conversion" value={data ? percent(data.conversionPct) : "—"} hint="verified ÷ sent" />
        <StatCard label="SMS failure" value={data ? percent(data.smsFailurePct) : "—"} hint={data ? `${number(data.smsFailed)} failed or undelivered` : undefined} tone="text-rose-700 dark:text-rose-400" />
        <StatCard label="Locked" value={data ? number(data.locked) : "—"} hint="too many wrong codes" />
        <StatCard label="Rate-limited" value={data ? number(data.rateLimited) : "—"} hint="requests refused" />
      </div>

      <Panel className="p-4 sm:p-6">
        <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-base font-semibold">Codes per {data?.bucket ?? PERIODS[period].bucket}</h2>
          <Link href="/admin/verifications" className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-100">
            View verifications →
          </Link>
        </div>
        <div className="h-72 w-full" role="img" aria-label={`Chart of codes sent, verified and failed per ${data?.bucket ?? "bucket"}`}>
          {data && (
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart data={data.series} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
                <defs>
                  {Object.entries(COLORS).map(([key, color]) => (
                    <linearGradient key={key} id={`fill-${key}`} x1="0" y1="0" x2="0" y2="1">
                      <stop offset="0%" stopColor={color} stopOpacity={0.25} />
                      <stop offset="100%" stopColor={color} stopOpacity={0} />
                    </linearGradient>
                  ))}
                </defs>
                <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} vertical={false} />
                <XAxis dataKey="t" tickFormatter={(t: string) => tick(t, data.bucket)} tick={{ fontSize: 12, fill: "currentColor" }} stroke="currentColor" strokeOpacity={0.3} minTickGap={24} />
                <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: "currentColor" }} stroke="currentColor" strokeOpacity={0.3} width={56} />
                <Tooltip
                  labelFormatter={(t) => `${String(t).slice(0, 16).replace("T", " ")} UTC`}
                  contentStyle={{ borderRadius: 8, fontSize: 13, backgroundColor: "#fff", color: "#0f172a", borderColor: "#e2e8f0" }}
                  labelStyle={{ color: "#0f172a", fontWeight: 600 }}
                />
                <Legend wrapperStyle={{ fontSize: 13 }} />
                <Area type="monotone" dataKey="sent" name="Sent" stroke={COLORS.sent} fill="url(#fill-sent)" strokeWidth={2} isAnimationActive={false} />
                <Area type="monotone" dataKey="verified" name="Verified" stroke={COLORS.verified} fill="url(#fill-verified)" strokeWidth={2} isAnimationActive={false} />
                <Area type="monotone" dataKey="failed" name="SMS failed" stroke={COLORS.failed} fill="url(#fill-failed)" strokeWidth={2} isAnimationActive={false} />
              </AreaChart>
            </ResponsiveContainer>
          )}
        </div>
      </Panel>
    </div>
  );
}
