"use client";

import useSWR from "swr";
import { Panel } from "./admin-shell";
import { adminFetcher, type FetchError } from "./fetcher";
import { number, percent } from "./format";
import { Skeleton } from "./states";
import type { BreakdownJson } from "./types";

type Row = BreakdownJson["byChannel"][number];

async function loadBreakdown([, ms]: [string, number]): Promise<BreakdownJson> {
  const to = new Date();
  const qs = new URLSearchParams({ from: new Date(to.getTime() - ms).toISOString(), to: to.toISOString() });
  return adminFetcher<BreakdownJson>(`/api/admin/stats/breakdown?${qs}`);
}

function Table({ title, rows }: { title: string; rows: Row[] | undefined }) {
  return (
    <div className="min-w-0">
      <h3 className="mb-2 text-sm font-semibold">{title}</h3>
      {!rows ? (
        <Skeleton className="h-24 w-full" />
      ) : rows.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">Nothing sent in this period.</p>
      ) : (
        <table className="w-full text-sm">
          <thead className="text-left text-xs uppercase tracking-wide text-slate-600 dark:text-slate-400">
            <tr>
              <th scope="col" className="py-1 pr-2 font-semibold">{title.replace(/^By /, "")}</th>
              <th scope="col" className="py-1 px-2 text-right font-semibold">Sent</th>
              <th scope="col" className="py-1 px-2 text-right font-semibold">Delivered</th>
              <th scope="col" className="py-1 px-2 text-right font-semibold">Verified</th>
              <th scope="col" className="py-1 pl-2 text-right font-semibold">Conversion</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 tabular-nums dark:divide-slate-800">
            {rows.slice(0, 10).map((r) => (
              <tr key={r.key}>
                <td className="py-1 pr-2 font-medium">{r.key}</td>
                <td className="py-1 px-2 text-right">{number(r.sent)}</td>
                <td className="py-1 px-2 text-right">{number(r.delivered)}</td>
                <td className="py-1 px-2 text-right">{number(r.verified)}</td>
                <td className="py-1 pl-2 text-right">{percent(r.conversionPct)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Sent / delivered / verified / conversion by channel, provider and country for the chosen period. */
export function BreakdownPanel({ periodMs, label }: { periodMs: number; label: string }) {
  const { data, error } = useSWR<BreakdownJson, FetchError>(["admin-breakdown", periodMs], loadBreakdown, { refreshInterval: 30_000, keepPreviousData: true });
  return (
    <Panel className="p-4 sm:p-6">
      <h2 className="mb-4 text-base font-semibold">Breakdown · last {label}</h2>
      {error && !data ? (
        <p className="text-sm text-rose-700 dark:text-rose-300">Couldn&apos;t load the breakdown: {error.message}</p>
      ) : (
        <div className="grid gap-6 lg:grid-cols-3">
          <Table title="By channel" rows={data?.byChannel} />
          <Table title="By provider" rows={data?.byProvider} />
          <Table title="By country" rows={data?.byCountry} />
        </div>
      )}
    </Panel>
  );
}
