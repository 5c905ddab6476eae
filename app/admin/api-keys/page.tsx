import type { Metadata } from "next";
import { AdminShell } from "@/components/admin/admin-shell";
import { ApiKeyCreateForm } from "@/components/admin/api-key-create-form";
import { AdminSection, DataTable, RowAction } from "@/components/admin/data-table";
import { Since, timeColumn } from "@/components/admin/server-time";
import { listApiKeys, type ApiKeySummary } from "@/lib/api-keys";
import { requireAdminPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { revokeApiKeyAction } from "./actions";

export const metadata: Metadata = { title: "API keys" };
export const dynamic = "force-dynamic";

export default async function AdminApiKeysPage() {
  // The page checks the role itself: layouts render in parallel with pages.
  const admin = await requireAdminPage("/admin/api-keys");
  const keys = await listApiKeys(await getDb(), admin);
  return (
    <AdminShell title="API keys" description="Keys for back ends calling /api/otp/send and /api/otp/verify with Authorization: Bearer <key>. A key is shown once, when it is created; only its hash is kept.">
      <div className="space-y-6">
        <AdminSection title="New key">
          <ApiKeyCreateForm />
        </AdminSection>
        <AdminSection title="Keys">
          <DataTable<ApiKeySummary>
            rows={keys}
            rowKey={(key) => key.id}
            rowTestId="api-key-row"
            empty="No keys yet."
            columns={[
              { header: "Name", className: "font-medium", cell: (key) => key.name },
              { header: "Key", className: "font-mono text-xs", cell: (key) => `${key.prefix}…` },
              { header: "Scopes", cell: (key) => key.scopes.join(", ") },
              { header: "IP ranges", cell: (key) => (key.allowedIps.length ? key.allowedIps.join(", ") : "any") },
              { header: "Per hour", cell: (key) => key.rateLimitPerHour.toLocaleString("en") },
              timeColumn("Created", (key) => key.createdAt),
              timeColumn("Last used", (key) => key.lastUsedAt, "never"),
              {
                header: "Status",
                cell: (key) => (key.revokedAt ? <Since label="Revoked" at={key.revokedAt} className="text-slate-600 dark:text-slate-300" /> : <RowAction action={revokeApiKeyAction} fields={{ id: key.id }} label="Revoke" tone="danger" />),
              },
            ]}
          />
        </AdminSection>
      </div>
    </AdminShell>
  );
}
