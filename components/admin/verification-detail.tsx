import type { ReactNode } from "react";
import { Panel } from "./admin-shell";
import { RoleBadge, SmsStatusBadge, StatusBadge } from "./badges";
import { CopyButton } from "./copy-button";
import { ServerTime } from "./server-time";
import type { TimelineEventJson, VerificationDetailJson } from "./types";

const DOT: Record<TimelineEventJson["tone"], string> = {
  neutral: "bg-slate-400 ring-slate-100 dark:ring-slate-900",
  success: "bg-emerald-500 ring-emerald-100 dark:ring-emerald-950",
  warning: "bg-amber-500 ring-amber-100 dark:ring-amber-950",
  danger: "bg-rose-500 ring-rose-100 dark:ring-rose-950",
};

type SmsJson = VerificationDetailJson["smsMessages"][number];

/** The provider's answer in one line: HTTP status, error code and message, provider message id. */
function smsAnswer(m: SmsJson): string {
  return [m.httpStatus && `HTTP ${m.httpStatus}`, m.errorCode, m.errorMessage, m.providerMessageId && `id ${m.providerMessageId}`].filter(Boolean).join(" · ") || "—";
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 text-sm break-words">{children}</dd>
    </div>
  );
}

/** One verification: summary, timeline, SMS attempts and the linked user. */
export function VerificationDetailView({ detail }: { detail: VerificationDetailJson }) {
  const v = detail.verification;
  return (
    // One column on phones; min-w-0 lets a wide child scroll inside its card instead of widening the grid.
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
      <div className="min-w-0 space-y-6 lg:col-span-2">
        <Panel className="p-5">
          <div className="flex flex-wrap items-center gap-3">
            <span className="font-mono text-lg font-semibold break-all">{v.phone}</span>
            <CopyButton value={v.phone} label={`Copy ${v.phone}`} />
            <StatusBadge status={v.displayStatus} expiresAt={v.status === "pending" ? v.expiresAt : undefined} />
          </div>
          <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-4 sm:grid-cols-3">
            <Field label="Purpose">{v.purpose}</Field>
            <Field label="Country">{v.country ?? "—"}</Field>
            <Field label="Attempts">
              <span className="tabular-nums">
                {v.attempts} / {v.maxAttempts}
              </span>
            </Field>
            <Field label="Created">
              <ServerTime at={v.createdAt} />
            </Field>
            <Field label="Expires">
              <ServerTime at={v.expiresAt} />
            </Field>
            <Field label="Verified">
              <ServerTime at={v.verifiedAt} />
            </Field>
            <Field label="Client IP">
              <span className="font-mono text-[13px]">{v.ip ?? "—"}</span>
            </Field>
            <Field label="Channel">{v.channel}</Field>
            <Field label="SMS language">{v.smsLocale ?? "—"}</Field>
            <Field label="SMS">
              <span className="inline-flex items-center gap-1.5">
                {v.smsProvider ?? "—"} <SmsStatusBadge status={v.smsStatus} />
              </span>
            </Field>
            <Field label="Test number">{v.isTestNumber ? "Yes" : "No"}</Field>
          </dl>
          {v.userAgent && (
            <p className="mt-4 break-all text-xs text-slate-500 dark:text-slate-400">
              <span className="font-medium">User agent:</span> {v.userAgent}
            </p>
          )}
        </Panel>

        <Panel className="p-5">
          <h2 className="mb-4 text-base font-semibold">Timeline</h2>
          <ol className="relative space-y-5 border-l border-slate-200 pl-6 dark:border-slate-700">
            {detail.timeline.map((e, i) => (
              <li key={i} className="relative">
                <span className={`absolute top-1.5 -left-[29px] size-2.5 rounded-full ring-4 ${DOT[e.tone]}`} aria-hidden="true" />
                <p className="text-sm font-medium">{e.title}</p>
                <p className="text-xs break-words text-slate-500 dark:text-slate-400">
                  <ServerTime at={e.at} />
                  {e.detail && <> · {e.detail}</>}
                </p>
              </li>
            ))}
          </ol>
        </Panel>

        <Panel className="min-w-0 overflow-hidden">
          <h2 className="px-5 pt-5 pb-3 text-base font-semibold">SMS attempts</h2>
          {detail.smsMessages.length === 0 ? (
            <p className="px-5 pb-5 text-sm text-slate-500 dark:text-slate-400">No SMS attempt recorded.</p>
          ) : (
            <>
              {/* Phones: one card per attempt (a five-column table cannot fit). */}
              <ul className="divide-y divide-slate-100 border-t border-slate-100 sm:hidden dark:divide-slate-800 dark:border-slate-800">
                {detail.smsMessages.map((m) => (
                  <li key={m.id} className="space-y-1 px-5 py-3 text-sm">
                    <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                      <span className="font-medium">{m.provider}</span>
                      <span className="text-xs text-slate-500 dark:text-slate-400">{m.channel}</span>
                      <span className="text-xs text-slate-500 dark:text-slate-400">#{m.attempt}</span>
                      <SmsStatusBadge status={m.status} />
                      <span className="ml-auto text-xs tabular-nums text-slate-600 dark:text-slate-300">{m.latencyMs != null ? `${m.latencyMs} ms` : ""}</span>
                    </div>
                    <p className="text-xs tabular-nums text-slate-500 dark:text-slate-400">
                      <ServerTime at={m.createdAt} />
                    </p>
                    <p className="break-words text-slate-600 dark:text-slate-300">{smsAnswer(m)}</p>
                  </li>
                ))}
              </ul>
              {/* Wider screens: a table, scrolling inside its card if it must, never widening the page. */}
              <div className="hidden overflow-x-auto sm:block">
                <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800">
                  <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:bg-slate-800/60 dark:text-slate-400">
                    <tr>
                      <th scope="col" className="px-4 py-2">Time</th>
                      <th scope="col" className="px-4 py-2">Provider</th>
                      <th scope="col" className="px-4 py-2">Status</th>
                      <th scope="col" className="px-4 py-2">Answer</th>
                      <th scope="col" className="px-4 py-2 text-right">Latency</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                    {detail.smsMessages.map((m) => (
                      <tr key={m.id}>
                        <td className="whitespace-nowrap px-4 py-2 tabular-nums">
                          <ServerTime at={m.createdAt} />
                        </td>
                        <td className="whitespace-nowrap px-4 py-2">
                          {m.provider} <span className="text-xs text-slate-500 dark:text-slate-400">#{m.attempt} · {m.channel}</span>
                        </td>
                        <td className="px-4 py-2">
                          <SmsStatusBadge status={m.status} />
                        </td>
                        <td className="min-w-48 px-4 py-2 break-words text-slate-600 dark:text-slate-300">{smsAnswer(m)}</td>
                        <td className="whitespace-nowrap px-4 py-2 text-right tabular-nums">{m.latencyMs != null ? `${m.latencyMs} ms` : "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </Panel>
      </div>

      <div className="min-w-0 space-y-6">
        <Panel className="p-5">
          <h2 className="mb-3 text-base font-semibold">Linked user</h2>
          {detail.user ? (
            <dl className="space-y-3">
              <Field label="Phone">
                <span className="font-mono text-[13px]">{detail.user.phone}</span>
              </Field>
              <Field label="Role">
                <RoleBadge role={detail.user.role} />
              </Field>
              <Field label="Created">
              <ServerTime at={detail.user.createdAt} />
            </Field>
              <Field label="Last login">
              <ServerTime at={detail.user.lastLoginAt} />
            </Field>
            </dl>
          ) : (
            <p className="text-sm text-slate-500 dark:text-slate-400">No user is linked to this code.</p>
          )}
        </Panel>
        <Panel className="p-5">
          <h2 className="mb-3 text-base font-semibold">Verify attempts</h2>
          {detail.verifyAttempts.length ? (
            <ul className="space-y-2 text-sm">
              {detail.verifyAttempts.map((a) => (
                <li key={a.id} className="flex flex-wrap items-center justify-between gap-x-2">
                  <span>{a.result.replace(/_/g, " ")}</span>
                  <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400">
                    <ServerTime at={a.createdAt} /> · {a.ip ?? "—"}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500 dark:text-slate-400">No one tried a code.</p>
          )}
        </Panel>
      </div>
    </div>
  );
}
