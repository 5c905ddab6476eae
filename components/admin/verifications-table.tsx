"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import useSWRInfinite from "swr/infinite";
import { SMS_STATUSES, VERIFICATION_STATUSES } from "@/lib/admin/schemas";
import { Panel } from "./admin-shell";
import { SmsStatusBadge, StatusBadge } from "./badges";
import { CopyButton } from "./copy-button";
import { adminFetcher, type FetchError } from "./fetcher";
import { formatRelative, formatUtc } from "./format";
import type { VerificationPageJson, VerificationRowJson } from "./types";
import { useNow } from "./use-now";

/** The URL keys that are filters (everything else in the URL is ignored). */
export const FILTER_KEYS = ["status", "purpose", "provider", "smsStatus", "phone", "phoneMatch", "from", "to"] as const;
const PROVIDERS = ["mshastra", "twilio", "console"];
const PAGE_SIZE = 50;
const REFRESH_MS = 5000;

const selectClass =
  "block h-10 w-full rounded-lg border border-slate-300 bg-white px-2.5 text-sm text-slate-900 focus:border-brand-600 focus:outline-2 focus:outline-brand-600/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";
const labelClass = "mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400";

function filterQuery(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) out.set(key, value);
  }
  return out;
}

function Filters({ purposes }: { purposes: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [phone, setPhone] = useState(params.get("phone") ?? "");

  function update(changes: Record<string, string>) {
    const next = filterQuery(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  }

  function submitPhone(event: FormEvent) {
    event.preventDefault();
    update({ phone: phone.trim() });
  }

  const select = (key: string, label: string, options: readonly string[]) => (
    <div>
      <label htmlFor={`filter-${key}`} className={labelClass}>
        {label}
      </label>
      <select id={`filter-${key}`} className={selectClass} value={params.get(key) ?? ""} onChange={(e) => update({ [key]: e.target.value })}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );

  const hasFilters = FILTER_KEYS.some((k) => params.get(k));
  return (
    <Panel className="p-4">
      <form onSubmit={submitPhone} role="search" aria-label="Filter verifications" className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8">
        <div className="col-span-2">
          <label htmlFor="filter-phone" className={labelClass}>
            Phone
          </label>
          <div className="flex gap-1.5">
            <input
              id="filter-phone"
              type="search"
              inputMode="tel"
              placeholder="+2557…"
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
              onBlur={() => phone.trim() !== (params.get("phone") ?? "") && update({ phone: phone.trim() })}
              className={`${selectClass} min-w-0 flex-1`}
            />
            <label htmlFor="filter-phoneMatch" className="sr-only">
              Phone match
            </label>
            <select id="filter-phoneMatch" className={`${selectClass.replace("w-full", "w-32")} shrink-0`} value={params.get("phoneMatch") ?? "prefix"} onChange={(e) => update({ phoneMatch: e.target.value === "prefix" ? "" : e.target.value })}>
              <option value="prefix">starts with</option>
              <option value="contains">contains</option>
            </select>
          </div>
        </div>
        {select("status", "Status", VERIFICATION_STATUSES)}
        {select("purpose", "Purpose", purposes)}
        {select("provider", "SMS provider", PROVIDERS)}
        {select("smsStatus", "SMS status", SMS_STATUSES)}
        <div>
          <label htmlFor="filter-from" className={labelClass}>
            From (UTC)
          </label>
          <input id="filter-from" type="date" className={selectClass} value={params.get("from") ?? ""} onChange={(e) => update({ from: e.target.value })} />
        </div>
        <div>
          <label htmlFor="filter-to" className={labelClass}>
            Before (UTC)
          </label>
          <input id="filter-to" type="date" className={selectClass} value={params.get("to") ?? ""} onChange={(e) => update({ to: e.target.value })} />
        </div>
        <button type="submit" className="sr-only">
          Apply filters
        </button>
      </form>
      {hasFilters && (
        <button
          type="button"
          onClick={() => {
            setPhone("");
            router.replace(pathname, { scroll: false });
          }}
          className="mt-3 text-sm font-medium text-brand-700 hover:underline dark:text-brand-100"
        >
          Clear filters
        </button>
      )}
    </Panel>
  );
}

function SmsCell({ row }: { row: VerificationRowJson }) {
  const sms = row.lastSms;
  if (!sms && !row.smsProvider) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-1.5">
        <span className="font-medium">{sms?.provider ?? row.smsProvider}</span>
        <SmsStatusBadge status={row.smsStatus ?? sms?.status ?? null} />
        {sms && sms.attempts > 1 && <span className="text-xs text-slate-500 dark:text-slate-400">{sms.attempts} tries</span>}
      </div>
      {(sms?.errorCode || sms?.latencyMs != null) && (
        <div className="max-w-64 truncate text-xs text-slate-500 dark:text-slate-400" title={sms?.errorMessage ?? undefined}>
          {sms?.errorCode && <span className="text-rose-700 dark:text-rose-300">{sms.errorCode}{sms.errorMessage ? `: ${sms.errorMessage}` : ""}</span>}
          {sms?.errorCode && sms?.latencyMs != null && " · "}
          {sms?.latencyMs != null && <span className="tabular-nums">{sms.latencyMs} ms</span>}
        </div>
      )}
    </div>
  );
}

function Row({ row, now }: { row: VerificationRowJson; now: number }) {
  return (
    <tr className="align-top hover:bg-slate-50 dark:hover:bg-slate-800/50">
      <td className="whitespace-nowrap px-4 py-3">
        <div className="font-medium tabular-nums">{formatUtc(row.createdAt)}</div>
        <div className="text-xs text-slate-500 dark:text-slate-400">{formatRelative(row.createdAt, now)}</div>
      </td>
      <td className="whitespace-nowrap px-4 py-3">
        <div className="flex items-center gap-1">
          <span className="font-mono text-[13px]">{row.phone}</span>
          <CopyButton value={row.phone} label={`Copy ${row.phone}`} />
        </div>
        {row.country && <div className="text-xs text-slate-500 dark:text-slate-400">{row.country}</div>}
      </td>
      <td className="whitespace-nowrap px-4 py-3">{row.purpose}</td>
      <td className="whitespace-nowrap px-4 py-3">
        <StatusBadge status={row.displayStatus} expiresAt={row.status === "pending" ? row.expiresAt : undefined} />
      </td>
      <td className="whitespace-nowrap px-4 py-3 tabular-nums">
        {row.attempts} / {row.maxAttempts}
      </td>
      <td className="px-4 py-3">
        <SmsCell row={row} />
      </td>
      <td className="whitespace-nowrap px-4 py-3 font-mono text-[13px] text-slate-600 dark:text-slate-300">{row.ip ?? "—"}</td>
      <td className="whitespace-nowrap px-4 py-3 text-right">
        <Link href={`/admin/verifications/${encodeURIComponent(row.id)}`} className="font-medium text-brand-700 hover:underline dark:text-brand-100" aria-label={`Details of the code sent to ${row.phone} at ${formatUtc(row.createdAt)}`}>
          Details
        </Link>
      </td>
    </tr>
  );
}

/** The same row as a card, for phone-sized screens. */
function MobileCard({ row, now }: { row: VerificationRowJson; now: number }) {
  return (
    <li className="space-y-2 p-4">
      <div className="flex items-center justify-between gap-2">
        <div className="flex items-center gap-1">
          <span className="font-mono text-[13px]">{row.phone}</span>
          <CopyButton value={row.phone} label={`Copy ${row.phone}`} />
        </div>
        <StatusBadge status={row.displayStatus} expiresAt={row.status === "pending" ? row.expiresAt : undefined} />
      </div>
      <div className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
        <span className="tabular-nums">{formatUtc(row.createdAt)} UTC · {formatRelative(row.createdAt, now)}</span>
        <span>{row.purpose}</span>
        <span className="tabular-nums">
          {row.attempts} / {row.maxAttempts} attempts
        </span>
        {row.ip && <span className="font-mono">{row.ip}</span>}
      </div>
      <div className="flex items-end justify-between gap-2 text-sm">
        <SmsCell row={row} />
        <Link href={`/admin/verifications/${encodeURIComponent(row.id)}`} className="shrink-0 font-medium text-brand-700 hover:underline dark:text-brand-100" aria-label={`Details of the code sent to ${row.phone} at ${formatUtc(row.createdAt)}`}>
          Details
        </Link>
      </div>
    </li>
  );
}

/**
 * The verifications table: filters in the URL, keyset pages ("Load more"), refreshed every 5 s.
 * SWR revalidates the pages in place, so the scroll position and the loaded pages stay put.
 */
export function VerificationsTable({ purposes }: { purposes: string[] }) {
  const params = useSearchParams();
  const query = filterQuery(params).toString();
  const now = useNow(1000);
  const { data, error, size, setSize, isLoading, isValidating } = useSWRInfinite<VerificationPageJson, FetchError>(
    (index, previous: VerificationPageJson | null) => {
      if (previous && !previous.nextCursor) return null;
      const qs = new URLSearchParams(query);
      qs.set("limit", String(PAGE_SIZE));
      if (previous?.nextCursor) qs.set("cursor", previous.nextCursor);
      return `/api/admin/verifications?${qs}`;
    },
    adminFetcher,
    { refreshInterval: REFRESH_MS, revalidateFirstPage: true, keepPreviousData: true },
  );
  const rows = data?.flatMap((p) => p.items) ?? [];
  const hasMore = !!data?.at(-1)?.nextCursor;
  const loadingMore = size > (data?.length ?? 0);

  return (
    <div className="space-y-4">
      {/* Remounted when the phone in the URL changes (e.g. "Clear filters"), so the field follows it. */}
      <Filters key={params.get("phone") ?? ""} purposes={purposes} />
      <div className="flex flex-wrap items-center justify-between gap-3 text-sm">
        <p className="text-slate-600 dark:text-slate-400" aria-live="polite">
          {error ? (
            <span className="text-rose-700 dark:text-rose-300">{error.message}</span>
          ) : isLoading ? (
            "Loading…"
          ) : (
            <>
              Showing <span className="font-medium text-slate-900 dark:text-slate-100">{rows.length.toLocaleString("en-US")}</span>
              {hasMore ? " (more available)" : ""} · newest first
            </>
          )}
        </p>
        <div className="flex items-center gap-3">
          <span className="inline-flex items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
            <span className={`size-2 rounded-full ${isValidating ? "bg-amber-400" : "bg-emerald-500"}`} aria-hidden="true" />
            Live · every 5 s
          </span>
          <a
            href={`/api/admin/verifications.csv${query ? `?${query}` : ""}`}
            download
            className="inline-flex h-9 items-center gap-1.5 rounded-lg border border-slate-300 bg-white px-3 font-medium shadow-sm hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
          >
            <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" className="size-4" aria-hidden="true">
              <path d="M10 3v10m0 0-4-4m4 4 4-4M4 15v1a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1v-1" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
            Export CSV
          </a>
        </div>
      </div>
      <Panel className="overflow-hidden sm:hidden">
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Verifications, newest first">
          {rows.map((row) => (
            <MobileCard key={row.id} row={row} now={now} />
          ))}
          {!isLoading && !error && rows.length === 0 && <li className="px-4 py-10 text-center text-slate-500 dark:text-slate-400">No verifications match these filters.</li>}
        </ul>
      </Panel>
      <Panel className="hidden overflow-hidden sm:block">
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800">
            <caption className="sr-only">Verifications, newest first</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:bg-slate-800/60 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-4 py-3">Time (UTC)</th>
                <th scope="col" className="px-4 py-3">Phone</th>
                <th scope="col" className="px-4 py-3">Purpose</th>
                <th scope="col" className="px-4 py-3">Status</th>
                <th scope="col" className="px-4 py-3">Attempts</th>
                <th scope="col" className="px-4 py-3">SMS</th>
                <th scope="col" className="px-4 py-3">Client IP</th>
                <th scope="col" className="px-4 py-3"><span className="sr-only">Details</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.map((row) => (
                <Row key={row.id} row={row} now={now} />
              ))}
              {!isLoading && !error && rows.length === 0 && (
                <tr>
                  <td colSpan={8} className="px-4 py-12 text-center text-slate-500 dark:text-slate-400">
                    No verifications match these filters.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </Panel>
      {hasMore && (
        <div className="flex justify-center">
          <button
            type="button"
            onClick={() => setSize(size + 1)}
            disabled={loadingMore}
            className="inline-flex h-10 items-center rounded-lg border border-slate-300 bg-white px-5 text-sm font-medium shadow-sm hover:bg-slate-50 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
          >
            {loadingMore ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </div>
  );
}
