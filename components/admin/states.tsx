"use client";

import type { ReactNode } from "react";
import { Panel } from "./admin-shell";

/** The secondary button's look without its size (combine with a height, padding and text size). */
export const secondaryButtonBase =
  "inline-flex items-center justify-center gap-1.5 rounded-lg border border-slate-300 bg-white font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:cursor-not-allowed disabled:opacity-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800 dark:focus-visible:outline-blue-300";

export const secondaryButtonClass = `${secondaryButtonBase} h-9 px-3 text-sm`;

/** A failed load: what the server said, and a way to try again. */
export function ErrorPanel({ title = "Couldn't load this data", message, onRetry, retrying }: { title?: string; message: string; onRetry: () => void; retrying?: boolean }) {
  return (
    <Panel role="alert" className="flex flex-col items-start gap-3 border-rose-200 p-5 sm:flex-row sm:items-center sm:justify-between dark:border-rose-900/60">
      <div className="space-y-1">
        <p className="font-semibold text-rose-800 dark:text-rose-300">{title}</p>
        <p className="text-sm text-slate-600 dark:text-slate-300">{message}</p>
      </div>
      <button type="button" onClick={onRetry} disabled={retrying} className={secondaryButtonClass}>
        {retrying ? "Retrying…" : "Retry"}
      </button>
    </Panel>
  );
}

/** Nothing to show: a short sentence and, when filters are set, the way out of them. */
export function EmptyState({ children, onClear }: { children: ReactNode; onClear?: () => void }) {
  return (
    <Panel className="px-5 py-10 text-center">
      <p className="text-slate-600 dark:text-slate-300">{children}</p>
      {onClear && (
        <button type="button" onClick={onClear} className={`${secondaryButtonClass} mt-4`}>
          Clear filters
        </button>
      )}
    </Panel>
  );
}

/** A grey placeholder block that pulses while data loads. */
export function Skeleton({ className = "" }: { className?: string }) {
  return <span className={`block animate-pulse rounded-md bg-slate-200 motion-reduce:animate-none dark:bg-slate-800 ${className}`} aria-hidden="true" />;
}

/** A list that is still loading: `rows` lines of three grey bars (`widths` for the first two). */
export function ListSkeleton({ label, rows, widths }: { label: string; rows: number; widths: [string, string] }) {
  return (
    <Panel className="space-y-4 p-4" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="flex items-center gap-4">
          <Skeleton className={`h-4 ${widths[0]}`} />
          <Skeleton className={`h-4 ${widths[1]}`} />
          <Skeleton className="h-4 flex-1" />
        </div>
      ))}
    </Panel>
  );
}
