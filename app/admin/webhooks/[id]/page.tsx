import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminShell } from "@/components/admin/admin-shell";
import { AdminSection, DataTable, RowAction } from "@/components/admin/data-table";
import { ServerTime, timeColumn } from "@/components/admin/server-time";
import { AppError } from "@/lib/api/errors";
import { requireAdminPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getWebhookEndpoint, listWebhookDeliveries, type WebhookDeliverySummary } from "@/lib/webhooks/endpoints";
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
        <AdminSection>
          <dl className="grid gap-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="font-medium text-slate-600 dark:text-slate-300">Events</dt>
            <dd className="font-mono text-xs text-slate-900 dark:text-slate-100">{endpoint.events.join(", ")}</dd>
            <dt className="font-medium text-slate-600 dark:text-slate-300">Status</dt>
            <dd className="text-slate-900 dark:text-slate-100">
              {endpoint.disabledAt ? (
                <>
                  Disabled <ServerTime at={endpoint.disabledAt} />: {endpoint.disabledReason ?? ""}
                </>
              ) : (
                "Enabled"
              )}
            </dd>
            <dt className="font-medium text-slate-600 dark:text-slate-300">Created</dt>
            <dd className="text-slate-900 dark:text-slate-100">
              <ServerTime at={endpoint.createdAt} />
            </dd>
          </dl>
          {enabled && !endpoint.disabledAt && (
            <p role="status" className="mt-4 text-sm text-emerald-800 dark:text-emerald-200">
              Endpoint enabled: new events are delivered to it again. Use Redeliver for deliveries that failed.
            </p>
          )}
          <div className="mt-4 flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
            {endpoint.disabledAt && <RowAction action={enableWebhookAction} fields={{ id: endpoint.id }} label="Enable endpoint" />}
            <RowAction action={deleteWebhookAction} fields={{ id: endpoint.id }} label="Delete endpoint" tone="danger" />
          </div>
        </AdminSection>
        <AdminSection title="Deliveries">
          {redelivered && (
            <p role="status" className="mb-3 text-sm text-emerald-800 dark:text-emerald-200">
              Redelivery queued: it appears below as a new attempt within seconds (reload).
            </p>
          )}
          <DataTable<WebhookDeliverySummary>
            rows={deliveries}
            rowKey={(delivery) => delivery.id}
            rowTestId="webhook-delivery-row"
            empty="No deliveries yet."
            alignTop
            columns={[
              {
                header: "Event",
                cell: (delivery) => (
                  <>
                    <span className="font-mono text-xs">{delivery.eventType}</span>
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs text-slate-600 dark:text-slate-400">{delivery.id}</summary>
                      <ol className="mt-1 space-y-1 text-xs" data-testid="webhook-attempts">
                        {delivery.attemptLog.map((attempt) => (
                          <li key={`${attempt.attempt}-${attempt.createdAt.toISOString()}`}>
                            #{attempt.attempt} <ServerTime at={attempt.createdAt} /> · {attempt.ok ? "ok" : (attempt.error ?? "failed")} · {attempt.responseStatus ?? "—"} · {attempt.latencyMs} ms
                            {attempt.manual ? " · redelivery" : ""}
                            {attempt.responseBody ? <pre className="mt-0.5 max-w-md whitespace-pre-wrap break-all text-slate-600 dark:text-slate-400">{attempt.responseBody}</pre> : null}
                          </li>
                        ))}
                      </ol>
                    </details>
                  </>
                ),
              },
              {
                header: "Status",
                className: "font-medium",
                cell: (delivery) => (
                  <>
                    <span className={STATUS_CLASS[delivery.status] ?? ""}>{delivery.status}</span>
                    {delivery.status === "pending" && delivery.nextAttemptAt ? (
                      <span className="block text-xs font-normal">
                        next <ServerTime at={delivery.nextAttemptAt} />
                      </span>
                    ) : null}
                  </>
                ),
              },
              { header: "Attempts", cell: (delivery) => <span data-testid="webhook-delivery-attempts">{delivery.attempts}</span> },
              { header: "Response", cell: (delivery) => (delivery.attemptLog[0] ? (delivery.attemptLog[0].responseStatus ?? delivery.attemptLog[0].error) : "—") },
              { header: "Latency", className: "whitespace-nowrap", cell: (delivery) => (delivery.attemptLog[0] ? `${delivery.attemptLog[0].latencyMs} ms` : "—") },
              timeColumn("Created", (delivery) => delivery.createdAt),
              { header: "", cell: (delivery) => <RowAction action={redeliverWebhookAction} fields={{ endpointId: endpoint.id, deliveryId: delivery.id }} label="Redeliver" /> },
            ]}
          />
        </AdminSection>
      </div>
    </AdminShell>
  );
}
