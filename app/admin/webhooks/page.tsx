import type { Metadata } from "next";
import Link from "next/link";
import { AdminShell } from "@/components/admin/admin-shell";
import { formatUtc } from "@/components/admin/format";
import { WebhookCreateForm } from "@/components/admin/webhook-create-form";
import { Card } from "@/components/ui/card";
import { requireAdminPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listWebhookEndpoints } from "@/lib/webhooks/endpoints";

export const metadata: Metadata = { title: "Webhooks" };
export const dynamic = "force-dynamic";

export default async function AdminWebhooksPage() {
  // The page checks the role itself: layouts render in parallel with pages.
  const admin = await requireAdminPage("/admin/webhooks");
  const endpoints = await listWebhookEndpoints(await getDb(), admin);
  return (
    <AdminShell title="Webhooks" description="Your back end is told when codes are sent, verified or expire, signed per Standard Webhooks. A secret is shown once, when the endpoint is added.">
      <div className="space-y-6">
        <Card>
          <h2 className="mb-4 text-base font-semibold text-slate-900 dark:text-slate-100">New endpoint</h2>
          <WebhookCreateForm />
        </Card>
        <Card>
          <h2 className="mb-4 text-base font-semibold text-slate-900 dark:text-slate-100">Endpoints</h2>
          {endpoints.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-300">No endpoints yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-slate-600 dark:text-slate-300">
                  <tr>
                    <th className="py-2 pr-4 font-medium">URL</th>
                    <th className="py-2 pr-4 font-medium">Events</th>
                    <th className="py-2 pr-4 font-medium">Created</th>
                    <th className="py-2 pr-4 font-medium">Last success</th>
                    <th className="py-2 font-medium">Status</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200 text-slate-900 dark:divide-slate-700 dark:text-slate-100">
                  {endpoints.map((endpoint) => (
                    <tr key={endpoint.id} data-testid="webhook-row">
                      <td className="py-2 pr-4 break-all">
                        <Link href={`/admin/webhooks/${endpoint.id}`} className="font-medium text-brand-700 underline-offset-4 hover:underline dark:text-brand-100">
                          {endpoint.url}
                        </Link>
                      </td>
                      <td className="py-2 pr-4 font-mono text-xs">{endpoint.events.join(", ")}</td>
                      <td className="py-2 pr-4 whitespace-nowrap">{formatUtc(endpoint.createdAt)}</td>
                      <td className="py-2 pr-4 whitespace-nowrap">{endpoint.lastSuccessAt ? formatUtc(endpoint.lastSuccessAt) : "never"}</td>
                      <td className="py-2">{endpoint.disabledAt ? <span className="text-red-700 dark:text-red-300">Disabled {formatUtc(endpoint.disabledAt)}</span> : "Enabled"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </AdminShell>
  );
}
