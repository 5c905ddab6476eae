import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminShell } from "@/components/admin/admin-shell";
import { formatUtc } from "@/components/admin/format";
import { Card } from "@/components/ui/card";
import { AppError } from "@/lib/api/errors";
import { requireAdminPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getWebhookEndpoint, listWebhookDeliveries } from "@/lib/webhooks/endpoints";
import { deleteWebhookAction, redeliverWebhookAction } from "../actions";
import { enableWebhookAction } from "./actions";

export const metadata: Metadata = { title: "Webhook endpoint" };
export const dynamic = "force-dynamic";

const STATUS_CLASS: Record<string, string> = {
  succeeded: "text-emerald-700 dark:text-emerald-300",
  pending: "text-amber-700 dark:text-amber-300",
  failed: "text-red-700 dark:text-red-300",
};

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ redelivered?: string; enabled?: string }> };

export default async function AdminWebhookPage({ params, searchParams }: Props) {
  const { id } = await params;
  // The page checks the role itself: layouts render in parallel with pages.
  const admin = await requireAdminPage(`/admin/webhooks/${encodeURIComponent(id)}`);
  const db = await getDb();
  let endpoint;
  try {
    endpoint = await getWebhookEndpoint(db, id, admin);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  const deliveries = await listWebhookDeliveries(db, id, admin);
  const { redelivered, enabled } = await searchParams;
  return (
    <AdminShell title="Webhook endpoint" description={endpoint.url}>
      <div className="space-y-6">
        <p className="text-sm">
          <Link href="/admin/webhooks" className="text-brand-700 underline-offset-4 hover:underline dark:text-brand-100">
            ← All endpoints
          </Link>
        </p>
        <Card>
          <dl className="grid gap-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="font-medium text-slate-600 dark:text-slate-300">Events</dt>
            <dd className="font-mono text-xs text-slate-900 dark:text-slate-100">{endpoint.events.join(", ")}</dd>
            <dt className="font-medium text-slate-600 dark:text-slate-300">Status</dt>
            <dd className="text-slate-900 dark:text-slate-100">{endpoint.disabledAt ? `Disabled ${formatUtc(endpoint.disabledAt)}: ${endpoint.disabledReason ?? ""}` : "Enabled"}</dd>
            <dt className="font-medium text-slate-600 dark:text-slate-300">Created</dt>
            <dd className="text-slate-900 dark:text-slate-100">{formatUtc(endpoint.createdAt)}</dd>
          </dl>
          {enabled && !endpoint.disabledAt && (
            <p role="status" className="mt-4 text-sm text-emerald-800 dark:text-emerald-200">
              Endpoint enabled: new events are delivered to it again. Use Redeliver for deliveries that failed.
            </p>
          )}
          <div className="mt-4 flex flex-wrap items-center gap-x-6 gap-y-2">
            {endpoint.disabledAt && (
              <form action={enableWebhookAction}>
                <input type="hidden" name="id" value={endpoint.id} />
                <button type="submit" className="text-sm font-medium text-brand-700 underline-offset-4 hover:underline dark:text-brand-100">
                  Enable endpoint
                </button>
              </form>
            )}
            <form action={deleteWebhookAction}>
              <input type="hidden" name="id" value={endpoint.id} />
              <button type="submit" className="text-sm font-medium text-red-700 underline-offset-4 hover:underline dark:text-red-300">
                Delete endpoint
              </button>
            </form>
          </div>
        </Card>
        <Card>
          <h2 className="mb-4 text-base font-semibold text-slate-900 dark:text-slate-100">Deliveries</h2>
          {redelivered && (
            <p role="status" className="mb-3 text-sm text-emerald-800 dark:text-emerald-200">
              Redelivery queued: it appears below as a new attempt within seconds (reload).
            </p>
          )}
          {deliveries.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-300">No deliveries yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-slate-600 dark:text-slate-300">
                  <tr>
                    <th className="py-2 pr-4 font-medium">Event</th>
                    <th className="py-2 pr-4 font-medium">Status</th>
                    <th className="py-2 pr-4 font-medium">Attempts</th>
                    <th className="py-2 pr-4 font-medium">Response</th>
                    <th className="py-2 pr-4 font-medium">Latency</th>
                    <th className="py-2 pr-4 font-medium">Created</th>
                    <th className="py-2 font-medium" />
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200 align-top text-slate-900 dark:divide-slate-700 dark:text-slate-100">
                  {deliveries.map((delivery) => {
                    const last = delivery.attemptLog[0];
                    return (
                      <tr key={delivery.id} data-testid="webhook-delivery-row">
                        <td className="py-2 pr-4">
                          <span className="font-mono text-xs">{delivery.eventType}</span>
                          <details className="mt-1">
                            <summary className="cursor-pointer text-xs text-slate-600 dark:text-slate-400">{delivery.id}</summary>
                            <ol className="mt-1 space-y-1 text-xs" data-testid="webhook-attempts">
                              {delivery.attemptLog.map((attempt) => (
                                <li key={`${attempt.attempt}-${attempt.createdAt.toISOString()}`}>
                                  #{attempt.attempt} {formatUtc(attempt.createdAt, { seconds: true })} · {attempt.ok ? "ok" : (attempt.error ?? "failed")} · {attempt.responseStatus ?? "—"} · {attempt.latencyMs} ms
                                  {attempt.manual ? " · redelivery" : ""}
                                  {attempt.responseBody ? <pre className="mt-0.5 max-w-md whitespace-pre-wrap break-all text-slate-600 dark:text-slate-400">{attempt.responseBody}</pre> : null}
                                </li>
                              ))}
                            </ol>
                          </details>
                        </td>
                        <td className={`py-2 pr-4 font-medium ${STATUS_CLASS[delivery.status] ?? ""}`}>
                          {delivery.status}
                          {delivery.status === "pending" && delivery.nextAttemptAt ? <span className="block text-xs font-normal">next {formatUtc(delivery.nextAttemptAt)}</span> : null}
                        </td>
                        <td className="py-2 pr-4" data-testid="webhook-delivery-attempts">{delivery.attempts}</td>
                        <td className="py-2 pr-4">{last ? (last.responseStatus ?? last.error) : "—"}</td>
                        <td className="py-2 pr-4 whitespace-nowrap">{last ? `${last.latencyMs} ms` : "—"}</td>
                        <td className="py-2 pr-4 whitespace-nowrap">{formatUtc(delivery.createdAt)}</td>
                        <td className="py-2">
                          <form action={redeliverWebhookAction}>
                            <input type="hidden" name="endpointId" value={endpoint.id} />
                            <input type="hidden" name="deliveryId" value={delivery.id} />
                            <button type="submit" className="font-medium text-brand-700 underline-offset-4 hover:underline dark:text-brand-100">
                              Redeliver
                            </button>
                          </form>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </AdminShell>
  );
}
