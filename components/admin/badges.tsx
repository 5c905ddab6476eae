"use client";

import { countdown } from "./format";
import { useNow } from "./use-now";

const BASE = "inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

const TONE = {
  blue: "bg-sky-50 text-sky-800 ring-sky-600/20 dark:bg-sky-400/10 dark:text-sky-300 dark:ring-sky-400/30",
  green: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-400/10 dark:text-emerald-300 dark:ring-emerald-400/30",
  grey: "bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-400/10 dark:text-slate-300 dark:ring-slate-400/30",
  red: "bg-rose-50 text-rose-800 ring-rose-600/20 dark:bg-rose-400/10 dark:text-rose-300 dark:ring-rose-400/30",
  violet: "bg-violet-50 text-violet-800 ring-violet-600/20 dark:bg-violet-400/10 dark:text-violet-300 dark:ring-violet-400/30",
  amber: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-400/10 dark:text-amber-300 dark:ring-amber-400/30",
};

// "failed" is the same red whether it is the code's status or its SMS's: one word, one colour.
const STATUS_STYLE: Record<string, string> = {
  pending: TONE.blue,
  verified: TONE.green,
  expired: TONE.grey,
  locked: TONE.red,
  superseded: TONE.violet,
  failed: TONE.red,
};

const SMS_STYLE: Record<string, string> = {
  delivered: TONE.green,
  sent: TONE.blue,
  failed: TONE.red,
  undelivered: TONE.amber,
};

const ROLE_STYLE: Record<string, string> = { ADMIN: TONE.violet, USER: TONE.grey };

export function Badge({ tone, children, title }: { tone: string; children: React.ReactNode; title?: string }) {
  return (
    <span className={`${BASE} ${tone}`} title={title}>
      {children}
    </span>
  );
}

/** Verification status; a pending code counts down to its expiry and turns "expired" when it passes. */
export function StatusBadge({ status, expiresAt }: { status: string; expiresAt?: string }) {
  const now = useNow(1000);
  const left = status === "pending" && expiresAt ? countdown(expiresAt, now) : null;
  const shown = status === "pending" && expiresAt && !left ? "expired" : status;
  return (
    <Badge tone={STATUS_STYLE[shown] ?? STATUS_STYLE.expired} title={left ? `Expires in ${left}` : undefined}>
      {shown === "pending" && <span className="size-1.5 animate-pulse rounded-full bg-sky-500 motion-reduce:animate-none" aria-hidden="true" />}
      {shown}
      {/* Server and browser clocks read a moment apart: the seconds may differ at hydration. */}
      {left && (
        <span className="tabular-nums" suppressHydrationWarning>
          · {left}
        </span>
      )}
    </Badge>
  );
}

export function SmsStatusBadge({ status }: { status: string | null }) {
  if (!status) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  return <Badge tone={SMS_STYLE[status] ?? STATUS_STYLE.expired}>{status}</Badge>;
}

export function RoleBadge({ role }: { role: string }) {
  return <Badge tone={ROLE_STYLE[role] ?? ROLE_STYLE.USER}>{role === "ADMIN" ? "Admin" : "User"}</Badge>;
}
