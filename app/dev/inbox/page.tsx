import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DevInbox } from "@/components/dev/dev-inbox";
import { env } from "@/lib/env";
import { isOutboxEnabled, listOutbox, normaliseOutboxFilter, outboxMessageJson } from "@/lib/sms/console";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Development inbox", robots: { index: false, follow: false } };

// The console SMS provider's outbox: 404 unless that provider is configured.
export default async function DevInboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!isOutboxEnabled(env())) notFound();
  const raw = (await searchParams).to;
  const to = normaliseOutboxFilter(Array.isArray(raw) ? raw[0] : raw);
  const messages = listOutbox(to).map(outboxMessageJson);
  return (
    <main className="mx-auto w-full max-w-2xl px-4 py-8 sm:px-6">
      <header className="mb-6 space-y-1">
        <p className="text-sm font-semibold uppercase tracking-wide text-brand-600 dark:text-brand-500">Development</p>
        <h1 className="text-2xl font-bold tracking-tight">SMS inbox</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Messages the console provider would have sent, newest first. Kept in memory (last 200), refreshed every 2 seconds.
        </p>
      </header>
      <DevInbox initialMessages={messages} to={to} />
    </main>
  );
}
