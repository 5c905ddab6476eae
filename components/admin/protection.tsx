"use client";

import { useState, type FormEvent } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import useSWR from "swr";
import { Button } from "@/components/ui/button";
import { FieldMessage, Input, Label } from "@/components/ui/input";
import { Panel } from "./admin-shell";
import { adminFetcher, type FetchError } from "./fetcher";
import { formatUtc, number } from "./format";
import { ErrorPanel, secondaryButtonClass, Skeleton } from "./states";

type Block = {
  id: string; scope: string; key: string; reason: string; mode: string; sends: number | null; verified: number | null;
  rate: number | null; baseline: number | null; windowSeconds: number | null; note: string | null; actorId: string | null;
  startsAt: string; endsAt: string; liftedAt: string | null;
};
type Traffic = { key: string; sends: number; verified: number };
type ProtectionJson = {
  mode: { current: "off" | "monitor" | "enforce"; source: "admin" | "config"; configured: string };
  settings: Record<string, unknown> & { maxSendsPerPrefixPerHour: number; windowSeconds: number; minVerifyRate: number; blockSeconds: number };
  blocks: { active: Block[]; past: Block[] };
  safeList: { id: string; value: string; note: string | null; createdAt: string }[];
  traffic: { countries: Traffic[]; ranges: Traffic[] };
};

async function send(method: string, url: string, body?: unknown) {
  const res = await fetch(url, { method, headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) {
    const error = (await res.json().catch(() => null))?.error;
    throw Object.assign(new Error(error?.message ?? `The server answered ${res.status}.`), { status: res.status, fields: error?.fields }) as FetchError;
  }
}

/** "sends 40, verified 0 (0 %), baseline 1.5 per 60 min" — a block's reason in its own numbers. */
function reason(b: Block): string {
  if (b.reason === "manual") return `Manual${b.note ? `: ${b.note}` : ""}`;
  const rate = b.rate === null ? "—" : `${Math.round(b.rate * 1000) / 10} %`;
  return `${number(b.sends ?? 0)} sends, ${number(b.verified ?? 0)} verified (${rate}), baseline ${b.baseline ?? 0} per ${Math.round((b.windowSeconds ?? 0) / 60)} min`;
}

function BlocksTable({ blocks, onLift, caption }: { blocks: Block[]; onLift?: (id: string) => void; caption: string }) {
  if (!blocks.length) return <p className="px-4 py-6 text-sm text-slate-600 dark:text-slate-400">None.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
          <tr>
            <th className="px-4 py-2">What</th><th className="px-4 py-2">Why</th><th className="px-4 py-2">Mode</th>
            <th className="px-4 py-2">From</th><th className="px-4 py-2">Until</th>{onLift && <th className="px-4 py-2"><span className="sr-only">Actions</span></th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {blocks.map((b) => (
            <tr key={b.id}>
              <td className="px-4 py-2 font-mono whitespace-nowrap">{b.scope} {b.key}</td>
              <td className="px-4 py-2">{reason(b)}</td>
              <td className="px-4 py-2">{b.mode}</td>
              <td className="px-4 py-2 whitespace-nowrap">{formatUtc(b.startsAt)}</td>
              <td className="px-4 py-2 whitespace-nowrap">{b.liftedAt ? `lifted ${formatUtc(b.liftedAt)}` : formatUtc(b.endsAt)}</td>
              {onLift && (
                <td className="px-4 py-2 text-right">
                  <button type="button" className={secondaryButtonClass} onClick={() => onLift(b.id)} aria-label={`Lift block on ${b.scope} ${b.key}`}>Lift</button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TrafficChart({ title, rows }: { title: string; rows: Traffic[] }) {
  return (
    <Panel className="p-4">
      <h3 className="mb-2 font-semibold">{title}</h3>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No sends in the last 24 hours.</p>
      ) : (
        <div className="h-64" role="img" aria-label={`${title}: ${rows.map((r) => `${r.key} ${r.sends} sent, ${r.verified} verified`).join("; ")}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ left: 0, right: 8 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="key" tick={{ fontSize: 11 }} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
              <Tooltip />
              <Legend />
              <Bar dataKey="sends" name="Sent" fill="#2f6fed" />
              <Bar dataKey="verified" name="Verified" fill="#10b981" />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </Panel>
  );
}

export function Protection() {
  const { data, error, mutate, isValidating } = useSWR<ProtectionJson, FetchError>("/api/admin/protection", adminFetcher, { refreshInterval: 30_000 });
  const [message, setMessage] = useState<string | null>(null);
  const [fields, setFields] = useState<{ form: string; fields: Record<string, string> } | null>(null);

  async function act(form: string, task: () => Promise<void>, done: string) {
    setMessage(null);
    setFields(null);
    try {
      await task();
      setMessage(done);
      await mutate();
    } catch (e) {
      const err = e as FetchError;
      setFields({ form, fields: err.fields ?? { form: err.message } });
    }
  }
  const fieldError = (form: string, name: string) => (fields?.form === form ? fields.fields[name] : undefined);

  if (error) return <ErrorPanel message={error.message} onRetry={() => mutate()} retrying={isValidating} />;
  if (!data) return <Skeleton className="h-64 w-full" />;

  function onBlock(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const target = event.currentTarget;
    void act("block", () => send("POST", "/api/admin/protection/blocks", { scope: f.get("scope"), key: f.get("key"), minutes: f.get("minutes"), note: f.get("note") || undefined }), "Block created.").then(() => target.reset());
  }
  function onSafe(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const target = event.currentTarget;
    void act("safe", () => send("POST", "/api/admin/protection/safe-list", { value: f.get("value"), note: f.get("note") || undefined }), "Added to the Safe List.").then(() => target.reset());
  }

  return (
    <div className="space-y-6">
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-700 dark:text-emerald-300">{message}</p>

      <Panel className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h2 className="font-semibold">Fraud guard: <span data-testid="guard-mode">{data.mode.current}</span></h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {data.mode.source === "admin" ? `Set here (configuration says ${data.mode.configured}).` : "From OTP_FRAUD_GUARD."} Monitor records blocks without refusing sends; enforce refuses them. Manual blocks apply in every mode.
          </p>
        </div>
        <div role="group" aria-label="Guard mode" className="flex gap-2">
          {(["monitor", "enforce"] as const).map((m) => (
            <button key={m} type="button" aria-pressed={data.mode.current === m} className={secondaryButtonClass} disabled={data.mode.current === m}
              onClick={() => act("mode", () => send("PUT", "/api/admin/protection/mode", { mode: m }), `Guard switched to ${m}.`)}>
              {m === "monitor" ? "Monitor" : "Enforce"}
            </button>
          ))}
        </div>
      </Panel>

      <section aria-labelledby="active-blocks">
        <h2 id="active-blocks" className="mb-2 font-semibold">Active blocks ({data.blocks.active.length})</h2>
        <Panel><BlocksTable caption="Active blocks" blocks={data.blocks.active} onLift={(id) => act("lift", () => send("DELETE", `/api/admin/protection/blocks/${id}`), "Block lifted.")} /></Panel>
      </section>

      <div className="grid gap-4 lg:grid-cols-2">
        <TrafficChart title="Sent vs verified by country (24 h)" rows={data.traffic.countries} />
        <TrafficChart title="Sent vs verified by range (24 h)" rows={data.traffic.ranges} />
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <Panel className="p-4">
          <h2 className="mb-2 font-semibold">Block by hand</h2>
          <form onSubmit={onBlock} className="space-y-2" noValidate>
            <Label htmlFor="block-scope">Scope</Label>
            <select id="block-scope" name="scope" className="h-10 w-full rounded-lg border border-slate-300 bg-white px-3 text-sm dark:border-slate-700 dark:bg-slate-900">
              <option value="range">Range (start of a number)</option><option value="number">Number</option><option value="country">Country</option>
            </select>
            <Label htmlFor="block-key">Range, number or country code</Label>
            <Input id="block-key" name="key" placeholder="+25571234 or TZ" aria-describedby="block-key-message" aria-invalid={!!fieldError("block", "key")} />
            <FieldMessage id="block-key-message">{fieldError("block", "key") ?? fieldError("block", "form")}</FieldMessage>
            <Label htmlFor="block-minutes">Minutes</Label>
            <Input id="block-minutes" name="minutes" type="number" min={1} defaultValue={60} />
            <Label htmlFor="block-note">Note (optional)</Label>
            <Input id="block-note" name="note" maxLength={200} />
            <Button type="submit" className="mt-2">Block</Button>
          </form>
        </Panel>
        <Panel className="p-4">
          <h2 className="mb-2 font-semibold">Safe List</h2>
          <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">Numbers and ranges that bypass blocks and the range and country budgets (reviewers, known customers).</p>
          <form onSubmit={onSafe} className="space-y-2" noValidate>
            <Label htmlFor="safe-value">Number or range</Label>
            <Input id="safe-value" name="value" placeholder="+255712345678 or +2557123" aria-describedby="safe-value-message" aria-invalid={!!fieldError("safe", "value")} />
            <FieldMessage id="safe-value-message">{fieldError("safe", "value") ?? fieldError("safe", "form")}</FieldMessage>
            <Label htmlFor="safe-note">Note (optional)</Label>
            <Input id="safe-note" name="note" maxLength={200} />
            <Button type="submit" className="mt-2">Add</Button>
          </form>
          <ul className="mt-4 divide-y divide-slate-200 text-sm dark:divide-slate-800" aria-label="Safe List entries">
            {data.safeList.map((e) => (
              <li key={e.id} className="flex items-center justify-between gap-2 py-2">
                <span><span className="font-mono">{e.value}</span>{e.note && <span className="text-slate-600 dark:text-slate-400"> — {e.note}</span>}</span>
                <button type="button" className={secondaryButtonClass} aria-label={`Remove ${e.value} from the Safe List`}
                  onClick={() => act("safe-remove", () => send("DELETE", `/api/admin/protection/safe-list/${e.id}`), "Removed from the Safe List.")}>Remove</button>
              </li>
            ))}
          </ul>
        </Panel>
      </div>

      <section aria-labelledby="past-blocks">
        <h2 id="past-blocks" className="mb-2 font-semibold">Past blocks (30 days)</h2>
        <Panel><BlocksTable caption="Past blocks" blocks={data.blocks.past} /></Panel>
      </section>
    </div>
  );
}
