"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import useSWR from "swr";
import { Button } from "@/components/ui/button";
import { FieldMessage, Input, Label } from "@/components/ui/input";
import { Panel } from "./admin-shell";
import { adminFetcher, type FetchError } from "./fetcher";
import { AdminTime } from "./admin-time";
import { number } from "./format";
import { ErrorPanel, secondaryButtonClass } from "./states";
import type { ProtectionFlash } from "@/lib/admin/protection-form";

type Block = {
  id: string; scope: string; key: string; reason: string; mode: string; sends: number | null; verified: number | null;
  rate: number | null; baseline: number | null; windowSeconds: number | null; note: string | null; actorId: string | null;
  startsAt: string; endsAt: string; liftedAt: string | null;
};
type Traffic = { key: string; sends: number; verified: number };
export type ProtectionJson = {
  mode: { current: "off" | "monitor" | "enforce"; source: "admin" | "config"; configured: string };
  settings: Record<string, unknown> & { maxSendsPerPrefixPerHour: number; windowSeconds: number; minVerifyRate: number; blockSeconds: number };
  blocks: { active: Block[]; past: Block[] };
  safeList: { id: string; value: string; note: string | null; createdAt: string }[];
  traffic: { countries: Traffic[]; ranges: Traffic[] };
  changes: Change[];
};
type Change = { id: string; type: string; actorPhone: string | null; data: Record<string, string | number | null> | null; createdAt: string };

/** One audit event of this page in words: "Blocked range +25571234 for 60 min". */
function describeChange(c: Change): string {
  const d = c.data ?? {};
  switch (c.type) {
    case "guard_mode_changed": return `Guard mode set to ${d.to}${d.from ? ` (was ${d.from})` : ""}`;
    case "safe_list_added": return `Safe List: added ${d.value}${d.note ? ` (${d.note})` : ""}`;
    case "safe_list_removed": return `Safe List: removed ${d.value}`;
    case "block_created": return `Blocked ${d.scope} ${d.key} for ${d.minutes} min${d.note ? ` (${d.note})` : ""}`;
    case "block_lifted": return `Lifted the block on ${d.scope} ${d.key}`;
    default: return c.type;
  }
}
/** The outcome of one form: from the flash cookie after a plain post, or from the fetched answer. */
type Outcome = ProtectionFlash;

/** Every change is a plain form post to this route (303 back here); with JavaScript the same post is fetched. */
const EDIT_URL = "/admin/protection/edit";

/** Posts a form as the browser would, asking for JSON; what the page should say afterwards. */
async function postForm(form: HTMLFormElement, submitter: HTMLElement | null): Promise<Outcome> {
  const data = new FormData(form, submitter);
  const intent = String(data.get("intent")) as Outcome["intent"];
  try {
    const res = await fetch(form.action, { method: "POST", body: data, headers: { accept: "application/json" }, signal: AbortSignal.timeout(15_000) });
    const body = await res.json().catch(() => null);
    if (res.ok) return { intent, ok: true, message: body?.message ?? "Saved." };
    return { intent, ok: false, message: body?.error?.message ?? `The server answered ${res.status}.`, fields: body?.error?.fields ?? {}, values: {} };
  } catch {
    return { intent, ok: false, message: "Could not reach the server. Reload the page to see whether the change was made.", fields: {}, values: {} };
  }
}

/** "sends 40, verified 0 (0 %), baseline 1.5 per 60 min" — a block's reason in its own numbers. */
function reason(b: Block): string {
  if (b.reason === "manual") return `Manual${b.note ? `: ${b.note}` : ""}`;
  const rate = b.rate === null ? "—" : `${Math.round(b.rate * 1000) / 10} %`;
  return `${number(b.sends ?? 0)} sends, ${number(b.verified ?? 0)} verified (${rate}), baseline ${b.baseline ?? 0} per ${Math.round((b.windowSeconds ?? 0) / 60)} min`;
}

type Submit = (event: FormEvent<HTMLFormElement>) => void;

/** A plain form to the edit route; `onSubmit` (JavaScript) posts the same fields without a reload. */
function EditForm({ intent, onSubmit, className, label, children }: { intent: Outcome["intent"]; onSubmit: Submit; className?: string; label?: string; children: ReactNode }) {
  return (
    <form method="post" action={EDIT_URL} onSubmit={onSubmit} className={className} aria-label={label} noValidate>
      <input type="hidden" name="intent" value={intent} />
      {children}
    </form>
  );
}

function BlocksTable({ blocks, onLift, caption }: { blocks: Block[]; onLift?: Submit; caption: string }) {
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
              <td className="px-4 py-2 whitespace-nowrap">
                <AdminTime at={b.startsAt} seconds={false} />
              </td>
              <td className="px-4 py-2 whitespace-nowrap">
                {b.liftedAt ? (
                  <>
                    lifted <AdminTime at={b.liftedAt} seconds={false} />
                  </>
                ) : (
                  <AdminTime at={b.endsAt} seconds={false} />
                )}
              </td>
              {onLift && (
                <td className="px-4 py-2 text-right">
                  <EditForm intent="lift" onSubmit={onLift}>
                    <input type="hidden" name="id" value={b.id} />
                    <button type="submit" className={secondaryButtonClass} aria-label={`Lift block on ${b.scope} ${b.key}`}>Lift</button>
                  </EditForm>
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
        <>
        {/* Without JavaScript the chart cannot measure itself: the figures as text instead. */}
        <noscript>
          <ul className="text-sm">
            {rows.map((r) => <li key={r.key}><span className="font-mono">{r.key}</span>: {number(r.sends)} sent, {number(r.verified)} verified</li>)}
          </ul>
        </noscript>
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
        </>
      )}
    </Panel>
  );
}

export function Protection({ initial, flash }: { initial: ProtectionJson; flash: Outcome | null }) {
  const { data = initial, error, mutate, isValidating } = useSWR<ProtectionJson, FetchError>("/api/admin/protection", adminFetcher, { fallbackData: initial, refreshInterval: 30_000 });
  const [outcome, setOutcome] = useState<Outcome | null>(flash);
  const [busy, setBusy] = useState(false);

  // With JavaScript: the same post, fetched; the page refreshes its data instead of reloading.
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget;
    setBusy(true);
    setOutcome(null);
    const result = await postForm(form, (event.nativeEvent as SubmitEvent).submitter);
    setOutcome(result);
    setBusy(false);
    if (result.ok) {
      form.reset();
      await mutate();
    }
  }
  const failed = outcome && !outcome.ok ? outcome : null;
  const fieldError = (intent: Outcome["intent"], name: string) => (failed?.intent === intent ? failed.fields[name] : undefined);
  const kept = (intent: Outcome["intent"], name: string) => (failed?.intent === intent ? failed.values[name] : undefined);

  return (
    <div className="space-y-6" aria-busy={busy}>
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-700 dark:text-emerald-300">{outcome?.ok ? outcome.message : null}</p>
      {failed && <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-300">{failed.message}</p>}
      {error && <ErrorPanel message={error.message} onRetry={() => mutate()} retrying={isValidating} />}

      <Panel className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h2 className="font-semibold">Fraud guard: <span data-testid="guard-mode">{data.mode.current}</span></h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {data.mode.source === "admin" ? `Set here (configuration says ${data.mode.configured}).` : "From OTP_FRAUD_GUARD."} Monitor records blocks without refusing sends; enforce refuses them. Manual blocks apply in every mode.
          </p>
        </div>
        <EditForm intent="mode" onSubmit={onSubmit} label="Guard mode" className="flex gap-2">
          {(["monitor", "enforce"] as const).map((m) => (
            <button key={m} type="submit" name="mode" value={m} aria-pressed={data.mode.current === m} className={secondaryButtonClass} disabled={data.mode.current === m || busy}>
              {m === "monitor" ? "Monitor" : "Enforce"}
            </button>
          ))}
        </EditForm>
      </Panel>

      <section aria-labelledby="active-blocks">
        <h2 id="active-blocks" className="mb-2 font-semibold">Active blocks ({data.blocks.active.length})</h2>
        <Panel><BlocksTable caption="Active blocks" blocks={data.blocks.active} onLift={onSubmit} /></Panel>
      </section>

      <div className="grid gap-4 lg:grid-cols-2">
        <TrafficChart title="Sent vs verified by country (24 h)" rows={data.traffic.countries} />
        <TrafficChart title="Sent vs verified by range (24 h)" rows={data.traffic.ranges} />
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <Panel className="p-4">
          <h2 className="mb-2 font-semibold">Block by hand</h2>
          <EditForm intent="block" onSubmit={onSubmit} className="space-y-2">
            <Label htmlFor="block-scope">Scope</Label>
            <select id="block-scope" name="scope" defaultValue={kept("block", "scope") ?? "range"} className="h-10 w-full rounded-lg border border-slate-300 bg-white px-3 text-sm dark:border-slate-700 dark:bg-slate-900">
              <option value="range">Range (start of a number)</option><option value="number">Number</option><option value="country">Country</option>
            </select>
            <Label htmlFor="block-key">Range, number or country code</Label>
            <Input id="block-key" name="key" defaultValue={kept("block", "key")} placeholder="+25571234 or TZ" aria-describedby="block-key-message" aria-invalid={!!fieldError("block", "key")} />
            <FieldMessage id="block-key-message">{fieldError("block", "key")}</FieldMessage>
            <Label htmlFor="block-minutes">Minutes</Label>
            <Input id="block-minutes" name="minutes" type="number" min={1} defaultValue={kept("block", "minutes") ?? 60} aria-describedby="block-minutes-message" aria-invalid={!!fieldError("block", "minutes")} />
            <FieldMessage id="block-minutes-message">{fieldError("block", "minutes")}</FieldMessage>
            <Label htmlFor="block-note">Note (optional)</Label>
            <Input id="block-note" name="note" maxLength={200} defaultValue={kept("block", "note")} />
            <Button type="submit" className="mt-2" disabled={busy}>Block</Button>
          </EditForm>
        </Panel>
        <Panel className="p-4">
          <h2 className="mb-2 font-semibold">Safe List</h2>
          <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">Numbers and ranges that bypass blocks and the range and country budgets (reviewers, known customers).</p>
          <EditForm intent="safe-add" onSubmit={onSubmit} className="space-y-2">
            <Label htmlFor="safe-value">Number or range</Label>
            <Input id="safe-value" name="value" defaultValue={kept("safe-add", "value")} placeholder="+255712345678 or +2557123" aria-describedby="safe-value-message" aria-invalid={!!fieldError("safe-add", "value")} />
            <FieldMessage id="safe-value-message">{fieldError("safe-add", "value")}</FieldMessage>
            <Label htmlFor="safe-note">Note (optional)</Label>
            <Input id="safe-note" name="note" maxLength={200} defaultValue={kept("safe-add", "note")} />
            <Button type="submit" className="mt-2" disabled={busy}>Add</Button>
          </EditForm>
          <ul className="mt-4 divide-y divide-slate-200 text-sm dark:divide-slate-800" aria-label="Safe List entries">
            {data.safeList.map((e) => (
              <li key={e.id} className="flex items-center justify-between gap-2 py-2">
                <span><span className="font-mono">{e.value}</span>{e.note && <span className="text-slate-600 dark:text-slate-400"> — {e.note}</span>}</span>
                <EditForm intent="safe-remove" onSubmit={onSubmit}>
                  <input type="hidden" name="id" value={e.id} />
                  <button type="submit" className={secondaryButtonClass} aria-label={`Remove ${e.value} from the Safe List`}>Remove</button>
                </EditForm>
              </li>
            ))}
          </ul>
        </Panel>
      </div>

      <section aria-labelledby="recent-changes">
        <h2 id="recent-changes" className="mb-2 font-semibold">Recent changes (audit log)</h2>
        <Panel>
          {data.changes.length === 0 ? (
            <p className="px-4 py-6 text-sm text-slate-600 dark:text-slate-400">None yet.</p>
          ) : (
            <ul aria-labelledby="recent-changes" className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
              {data.changes.map((c) => (
                <li key={c.id} className="flex flex-wrap gap-x-3 px-4 py-2">
                  <span className="whitespace-nowrap text-slate-600 dark:text-slate-400">
                    <AdminTime at={c.createdAt} seconds={false} />
                  </span>
                  <span className="font-mono">{c.actorPhone ?? "—"}</span>
                  <span>{describeChange(c)}</span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </section>

      <section aria-labelledby="past-blocks">
        <h2 id="past-blocks" className="mb-2 font-semibold">Past blocks (30 days)</h2>
        <Panel><BlocksTable caption="Past blocks" blocks={data.blocks.past} /></Panel>
      </section>
    </div>
  );
}
