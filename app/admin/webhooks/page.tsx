import type { Metadata } from "next";
import Link from "next/link";
import { AdminShell } from "@/components/admin/admin-shell";
import { AdminSection, DataTable } from "@/components/admin/data-table";
import { Since, timeColumn } from "@/components/admin/server-time";
import { WebhookCreateForm } from "@/components/admin/webhook-create-form";
import { requireAdminPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listWebhookEndpoints, type WebhookEndpointSummary } from "@/lib/webhooks/endpoints";

export const metadata: Metadata = { title: "Webhooks" };
export const dynamic = "force-dynamic";

export default async function AdminWebhooksPage() {
  // The page checks the role itself: layouts render in parallel with pages.
  const admin = await requireAdminPage("/admin/webhooks");
  const endpoints = await listWebhookEndpoints(await getDb(), admin);
  return (
    <AdminShell title="Webhooks" description="Your back end is told when codes are sent, verified or expire, signed per Standard Webhooks. A secret is shown once, when the endpoint is added.">
      <div className="space-y-6">
        <AdminSection title="New endpoint">
          <WebhookCreateForm />
        </AdminSection>
        <AdminSection title="Endpoints">
          <DataTable<WebhookEndpointSummary>
            rows={endpoints}
            rowKey={(endpoint) => endpoint.id}
            rowTestId="webhook-row"
            empty="No endpoints yet."
            columns={[
              {
                header: "URL",
                className: "break-all",
                cell: (endpoint) => (
                  <Link href={`/admin/webhooks/${endpoint.id}`} className="font-medium text-brand-700 underline-offset-4 hover:underline dark:text-brand-100">
                    {endpoint.url}
                  </Link>
                ),
              },
              { header: "Events", className: "font-mono text-xs", cell: (endpoint) => endpoint.events.join(", ") },
              timeColumn("Created", (endpoint) => endpoint.createdAt),
              timeColumn("Last success", (endpoint) => endpoint.lastSuccessAt, "never"),
              { header: "Status", cell: (endpoint) => (endpoint.disabledAt ? <Since label="Disabled" at={endpoint.disabledAt} className="text-red-700 dark:text-red-300" /> : "Enabled") },
            ]}
          />
        </AdminSection>
      </div>
    </AdminShell>
  );
}
