"use client";

import { useState } from "react";
import useSWR from "swr";
import type { OutboxMessageJson } from "@/lib/sms/console";

type OutboxResponse = { messages: OutboxMessageJson[] };

async function fetcher(url: string): Promise<OutboxResponse> {
  const res = await fetch(url, { cache: "no-store" });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const error = Object.assign(new Error(body?.error?.message ?? "Could not load the inbox."), { status: res.status });
    throw error;
  }
  return body as OutboxResponse;
}

/** HH:MM:SS UTC: the same on server and client, so hydration never disagrees. */
function timeOfDay(iso: string): string {
  return `${iso.slice(11, 19)} UTC`;
}

/** Auto-refreshing list of the console provider's messages (SWR, every 2 s). */
export function DevInbox({ initialMessages, to }: { initialMessages: OutboxMessageJson[]; to?: string }) {
  const url = `/api/dev/outbox${to ? `?to=${encodeURIComponent(to)}` : ""}`;
  const { data, error } = useSWR(url, fetcher, { refreshInterval: 2000, fallbackData: { messages: initialMessages } });
  const [copied, setCopied] = useState<string | null>(null);
  const messages = data?.messages ?? [];

  async function copy(id: string, code: string) {
    await navigator.clipboard?.writeText(code).catch(() => {});
    setCopied(id);
    setTimeout(() => setCopied((c) => (c === id ? null : c)), 1500);
  }

  return (
    <div className="space-y-4">
      <form method="get" className="flex gap-2" role="search">
        <label htmlFor="to" className="sr-only">
          Filter by phone number
        </label>
        <input
          id="to"
          name="to"
          type="tel"
          inputMode="tel"
          defaultValue={to ?? ""}
          placeholder="+255712345678"
          className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
        />
        <button type="submit" className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
          Filter
        </button>
      </form>

      {error && (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          {(error as Error).message}
        </p>
      )}

      {messages.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-500 dark:border-slate-700">
          No messages yet{to ? ` for ${to}` : ""}. Request a code and it appears here.
        </p>
      ) : (
        <ul className="space-y-3" aria-live="polite">
          {messages.map((m) => (
            <li key={m.id} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
              <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1 text-sm text-slate-600 dark:text-slate-400">
                <span className="font-mono font-medium text-slate-900 dark:text-slate-100">{m.to}</span>
                <span>
                  {m.purpose} · <time dateTime={m.createdAt}>{timeOfDay(m.createdAt)}</time>
                </span>
              </div>
              {m.code && (
                <div className="mt-3 flex items-center gap-3">
                  <output className="font-mono text-4xl font-bold tracking-[0.3em] tabular-nums sm:text-5xl" aria-label={`Code ${m.code.split("").join(" ")}`}>
                    {m.code}
                  </output>
                  <button
                    type="button"
                    onClick={() => copy(m.id, m.code!)}
                    className="rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                  >
                    {copied === m.id ? "Copied" : "Copy"}
                  </button>
                </div>
              )}
              <p className="mt-3 whitespace-pre-wrap break-words text-sm text-slate-700 dark:text-slate-300">{m.text}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
