"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import useSWRInfinite from "swr/infinite";
import { SMS_STATUSES, VERIFICATION_STATUSES } from "@/lib/admin/statuses";
import { Panel } from "./admin-shell";
import { EmptyState, ErrorPanel, secondaryButtonBase, secondaryButtonClass, ListSkeleton } from "./states";
import { SmsStatusBadge, StatusBadge } from "./badges";
import { CopyButton } from "./copy-button";
import { adminFetcher, type FetchError } from "./fetcher";
import { AdminTime, useAdminReader } from "./admin-time";
import { formatRelative } from "./format";
import type { VerificationPageJson, VerificationRowJson } from "./types";
import { formatDateTime } from "@/lib/reader-time";
import { useNow } from "./use-now";

/** The URL keys that are filters (everything else in the URL is ignored). */
export const FILTER_KEYS = ["status", "purpose", "provider", "smsStatus", "phone", "phoneMatch", "from", "to"] as const;
const PROVIDERS = ["mshastra", "twilio", "console"];
const PAGE_SIZE = 50;
const REFRESH_MS = 5000;

const selectClass =
  "block h-10 w-full rounded-lg border border-slate-300 bg-white px-2.5 text-sm text-slate-900 focus:border-brand-600 focus:outline-2 focus:outline-brand-600/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:focus:border-blue-400 dark:focus:outline-blue-400/70";
const labelClass = "mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400";
const invalidClass = "border-rose-600 dark:border-rose-400";

function filterQuery(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) out.set(key, value);
  }
  return out;
}

/** The filters in the URL; `fieldErrors`: the API's complaints about them, shown at their fields. */
function Filters({ purposes, fieldErrors, onClear }: { purposes: string[]; fieldErrors?: Record<string, string>; onClear: () => void }) {
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

  const fieldError = (key: string) => fieldErrors?.[key];
  const errorText = (key: string) =>
    fieldError(key) && (
      <p id={`filter-${key}-error`} className="mt-1 text-xs text-rose-700 dark:text-rose-300">
        {fieldError(key)}
      </p>
    );
  const invalidProps = (key: string) =>
    fieldError(key) ? { "aria-invalid": true as const, "aria-describedby": `filter-${key}-error` } : {};

  const select = (key: string, label: string, options: readonly string[]) => (
    <div>
      <label htmlFor={`filter-${key}`} className={labelClass}>
        {label}
      </label>
      <select
        id={`filter-${key}`}
        className={`${selectClass} ${fieldError(key) ? invalidClass : ""}`}
        value={params.get(key) ?? ""}
        onChange={(e) => update({ [key]: e.target.value })}
        {...invalidProps(key)}
      >
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {errorText(key)}
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
              className={`${selectClass} min-w-0 flex-1 ${fieldError("phone") ? invalidClass : ""}`}
              {...invalidProps("phone")}
            />
            <label htmlFor="filter-phoneMatch" className="sr-only">
              Phone match
            </label>
            <select id="filter-phoneMatch" className={`${selectClass.replace("w-full", "w-32")} shrink-0`} value={params.get("phoneMatch") ?? "prefix"} onChange={(e) => update({ phoneMatch: e.target.value === "prefix" ? "" : e.target.value })}>
              <option value="prefix">starts with</option>
              <option value="contains">contains</option>
            </select>
          </div>
          {errorText("phone")}
        </div>
        {select("status", "Status", VERIFICATION_STATUSES)}
        {select("purpose", "Purpose", purposes)}
        {select("provider", "SMS provider", PROVIDERS)}
        {select("smsStatus", "SMS status", SMS_STATUSES)}
        <div>
          <label htmlFor="filter-from" className={labelClass}>
            From (UTC)
          </label>
          <input id="filter-from" type="date" className={`${selectClass} ${fieldError("from") ? invalidClass : ""}`} value={params.get("from") ?? ""} onChange={(e) => update({ from: e.target.value })} {...invalidProps("from")} />
          {errorText("from")}
        </div>
        <div>
          <label htmlFor="filter-to" className={labelClass}>
            Before (UTC)
          </label>
          <input id="filter-to" type="date" className={`${selectClass} ${fieldError("to") ? invalidClass : ""}`} value={params.get("to") ?? ""} onChange={(e) => update({ to: e.target.value })} {...invalidProps("to")} />
          {errorText("to")}
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
            onClear();
          }}
          className="mt-3 text-sm font-medium text-brand-700 hover:underline dark:text-brand-100"
        >
          Clear filters
        </button>
      )}
    </Panel>
  );
}

/** Provider, SMS status and tries; then the error and the latency. `wrap`: phone cards wrap the error instead of cutting it. */
function SmsCell({ row, wrap = false }: { row: VerificationRowJson; wrap?: boolean }) {
  const sms = row.lastSms;
  if (!sms && !row.smsProvider) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-1.5">
        <span className="font-medium">{sms?.provider ?? row.smsProvider}</span>
        {row.channel !== "sms" && <span className="text-xs text-slate-500 dark:text-slate-400">{row.channel}</span>}
        <SmsStatusBadge status={row.smsStatus ?? sms?.status ?? null} />
        {sms && sms.attempts > 1 && <span className="text-xs text-slate-500 dark:text-slate-400">{sms.attempts} tries</span>}
      </div>
      {(sms?.errorCode || sms?.latencyMs != null) && (
        <div className={`flex gap-x-1.5 text-xs text-slate-500 dark:text-slate-400 ${wrap ? "flex-wrap" : "max-w-72"}`}>
          {sms?.errorCode && (
            <span className={`text-rose-700 dark:text-rose-300 ${wrap ? "break-words" : "min-w-0 truncate"}`} title={wrap ? undefined : `${sms.errorCode}${sms.errorMessage ? `: ${sms.errorMessage}` : ""}`}>
              {sms.errorCode}
              {sms.errorMessage ? `: ${sms.errorMessage}` : ""}
            </span>
          )}
          {sms?.latencyMs != null && <span className="shrink-0 whitespace-nowrap tabular-nums">{sms.latencyMs} ms</span>}
        </div>
      )}
    </div>
  );
}

function Row({ row, now }: { row: VerificationRowJson; now: number }) {
  const reader = useAdminReader();
  return (
    // The whole row is the link to the details (a stretched link from the first cell); the copy button sits above it.
    <tr className="relative align-top hover:bg-slate-50 focus-within:bg-slate-50 dark:hover:bg-slate-800/50 dark:focus-within:bg-slate-800/50">
      <td className="whitespace-nowrap px-4 py-3">
        <Link
          href={`/admin/verifications/${encodeURIComponent(row.id)}`}
          className="font-medium tabular-nums text-brand-700 after:absolute after:inset-0 after:content-[''] hover:underline focus-visible:outline-2 focus-visible:outline-brand-600 dark:text-brand-100"
          aria-label={`Details of the code sent to ${row.phone} at ${formatDateTime(row.createdAt, reader)}`}
        >
          <AdminTime at={row.createdAt} />
        </Link>
        <div className="text-xs text-slate-500 dark:text-slate-400">{formatRelative(row.createdAt, now)}</div>
      </td>
      <td className="whitespace-nowrap px-4 py-3">
        <div className="flex items-center gap-1">
          <span className="font-mono text-[13px]">{row.phone}</span>
          <span className="relative z-10">
            <CopyButton value={row.phone} label={`Copy ${row.phone}`} />
          </span>
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
      <td className="hidden whitespace-nowrap px-4 py-3 font-mono text-[13px] text-slate-600 xl:table-cell dark:text-slate-300">{row.ip ?? "—"}</td>
    </tr>
  );
}

/** The same row as a card, for phone-sized screens. */
function MobileCard({ row, now }: { row: VerificationRowJson; now: number }) {
  const reader = useAdminReader();
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
        <span className="tabular-nums">
          <AdminTime at={row.createdAt} /> · {formatRelative(row.createdAt, now)}
        </span>
        <span>{row.purpose}</span>
        <span className="tabular-nums">
          {row.attempts} / {row.maxAttempts} attempts
        </span>
        {row.ip && <span className="font-mono">{row.ip}</span>}
      </div>
      <div className="flex items-end justify-between gap-2 text-sm">
        <div className="min-w-0">
          <SmsCell row={row} wrap />
        </div>
        <Link href={`/admin/verifications/${encodeURIComponent(row.id)}`} className="shrink-0 font-medium text-brand-700 hover:underline dark:text-brand-100" aria-label={`Details of the code sent to ${row.phone} at ${formatDateTime(row.createdAt, reader)}`}>
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
  const router = useRouter();
  const pathname = usePathname();
  const query = filterQuery(params).toString();
  const now = useNow(1000);
  const { data, error, size, setSize, isLoading, isValidating, mutate } = useSWRInfinite<VerificationPageJson, FetchError>(
    (index, previous: VerificationPageJson | null) => {
      if (previous && !previous.nextCursor) return null;
      const qs = new URLSearchParams(query);
      qs.set("limit", String(PAGE_SIZE));
      if (previous?.nextCursor) qs.set("cursor", previous.nextCursor);
      return `/api/admin/verifications?${qs}`;
    },
    adminFetcher,
    // A refused filter stays refused: retry server failures only.
    { refreshInterval: REFRESH_MS, revalidateFirstPage: true, keepPreviousData: true, shouldRetryOnError: (e: FetchError) => !(e.status >= 400 && e.status < 500) },
  );
  // The API names the filters it refused; shown at their fields, nothing is listed or exported for them.
  const fieldErrors = error?.status === 400 && error.fields ? error.fields : undefined;
  const rows = fieldErrors ? [] : (data?.flatMap((p) => p.items) ?? []);
  const hasMore = !fieldErrors && !!data?.at(-1)?.nextCursor;
  const loadingMore = size > (data?.length ?? 0);
  const hasFilters = query !== "";
  const clearFilters = () => router.replace(pathname, { scroll: false });
  const failed = !!error && !fieldErrors;

  let list: React.ReactNode;
  if (fieldErrors) {
    list = <EmptyState onClear={clearFilters}>These filters can&apos;t be used: correct the highlighted field or clear the filters.</EmptyState>;
  } else if (isLoading && !data) {
    list = <ListSkeleton label="Loading the verifications" rows={5} widths={["w-32", "w-28"]} />;
  } else if (failed && !data) {
    list = <ErrorPanel title="Couldn't load the verifications" message={error.message} onRetry={() => void mutate()} retrying={isValidating} />;
  } else if (!isLoading && rows.length === 0) {
    list = (
      <EmptyState onClear={hasFilters ? clearFilters : undefined}>
        {hasFilters ? "No verifications match these filters." : "No codes have been sent yet."}
      </EmptyState>
    );
  } else {
    list = (
      <>
        <Panel className="overflow-hidden sm:hidden">
          <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Verifications, newest first" aria-busy={isLoading || undefined}>
            {rows.map((row) => (
              <MobileCard key={row.id} row={row} now={now} />
            ))}
          </ul>
        </Panel>
        <Panel className="hidden overflow-hidden sm:block">
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800" aria-busy={isLoading || undefined}>
              <caption className="sr-only">Verifications, newest first</caption>
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:bg-slate-800/60 dark:text-slate-400">
                <tr>
                  <th scope="col" className="px-4 py-3">Time</th>
                  <th scope="col" className="px-4 py-3">Phone</th>
                  <th scope="col" className="px-4 py-3">Purpose</th>
                  <th scope="col" className="px-4 py-3">Status</th>
                  <th scope="col" className="px-4 py-3">Attempts</th>
                  <th scope="col" className="px-4 py-3">SMS</th>
                  <th scope="col" className="hidden px-4 py-3 xl:table-cell">Client IP</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {rows.map((row) => (
                  <Row key={row.id} row={row} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      </>
    );
  }

  const exportClass = `${secondaryButtonClass} ${fieldErrors ? "pointer-events-none opacity-50" : ""}`;
  const downloadIcon = (
    <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" className="size-4" aria-hidden="true">
      <path d="M10 3v10m0 0-4-4m4 4 4-4M4 15v1a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1v-1" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );

  return (
    <div className="space-y-4">
      {/* Remounted when the phone in the URL changes (e.g. "Clear filters"), so the field follows it. */}
      <Filters key={params.get("phone") ?? ""} purposes={purposes} fieldErrors={fieldErrors} onClear={clearFilters} />
      <div className="flex flex-wrap items-center justify-between gap-3 text-sm">
        <p className="text-slate-600 dark:text-slate-400" aria-live="polite">
          {fieldErrors ? (
            <span className="text-rose-700 dark:text-rose-300">Check the highlighted filter.</span>
          ) : failed ? (
            data ? (
              <span className="text-rose-700 dark:text-rose-300">
                Couldn&apos;t refresh: {error.message}{" "}
                <button type="button" onClick={() => void mutate()} className="font-medium underline underline-offset-2">
                  Retry
                </button>
              </span>
            ) : (
              ""
            )
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
          {fieldErrors ? (
            // No href: a filter the API refuses cannot be exported either.
            <a role="link" aria-disabled="true" title="Correct the filters to export" className={exportClass}>
              {downloadIcon}
              Export CSV
            </a>
          ) : (
            <a href={`/api/admin/verifications.csv${query ? `?${query}` : ""}`} download className={exportClass}>
              {downloadIcon}
              Export CSV
            </a>
          )}
        </div>
      </div>
      {list}
      {hasMore && (
        <div className="flex justify-center">
          <button type="button" onClick={() => setSize(size + 1)} disabled={loadingMore} className={`${secondaryButtonBase} h-10 px-5 text-sm`}>
            {loadingMore ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </div>
  );
}
