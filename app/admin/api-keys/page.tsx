import type { Metadata } from "next";
import { AdminShell } from "@/components/admin/admin-shell";
import { ApiKeyCreateForm } from "@/components/admin/api-key-create-form";
import { formatUtc } from "@/components/admin/format";
import { Card } from "@/components/ui/card";
import { listApiKeys } from "@/lib/api-keys";
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
        <Card>
          <h2 className="mb-4 text-base font-semibold text-slate-900 dark:text-slate-100">New key</h2>
          <ApiKeyCreateForm />
        </Card>
        <Card>
          <h2 className="mb-4 text-base font-semibold text-slate-900 dark:text-slate-100">Keys</h2>
          {keys.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-300">No keys yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-slate-600 dark:text-slate-300">
                  <tr>
                    <th className="py-2 pr-4 font-medium">Name</th>
                    <th className="py-2 pr-4 font-medium">Key</th>
                    <th className="py-2 pr-4 font-medium">Scopes</th>
                    <th className="py-2 pr-4 font-medium">IP ranges</th>
                    <th className="py-2 pr-4 font-medium">Per hour</th>
                    <th className="py-2 pr-4 font-medium">Created</th>
                    <th className="py-2 pr-4 font-medium">Last used</th>
                    <th className="py-2 font-medium">Status</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200 text-slate-900 dark:divide-slate-700 dark:text-slate-100">
                  {keys.map((key) => (
                    <tr key={key.id} data-testid="api-key-row">
                      <td className="py-2 pr-4 font-medium">{key.name}</td>
                      <td className="py-2 pr-4 font-mono text-xs">{key.prefix}…</td>
                      <td className="py-2 pr-4">{key.scopes.join(", ")}</td>
                      <td className="py-2 pr-4">{key.allowedIps.length ? key.allowedIps.join(", ") : "any"}</td>
                      <td className="py-2 pr-4">{key.rateLimitPerHour.toLocaleString("en")}</td>
                      <td className="py-2 pr-4 whitespace-nowrap">{formatUtc(key.createdAt)}</td>
                      <td className="py-2 pr-4 whitespace-nowrap">{key.lastUsedAt ? formatUtc(key.lastUsedAt) : "never"}</td>
                      <td className="py-2">
                        {key.revokedAt ? (
                          <span className="text-slate-600 dark:text-slate-300">Revoked {formatUtc(key.revokedAt)}</span>
                        ) : (
                          <form action={revokeApiKeyAction}>
                            <input type="hidden" name="id" value={key.id} />
                            <button type="submit" className="font-medium text-red-700 underline-offset-4 hover:underline dark:text-red-300">
                              Revoke
                            </button>
                          </form>
                        )}
                      </td>
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
