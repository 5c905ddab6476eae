import { json, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { deleteWebhookEndpoint } from "@/lib/webhooks/endpoints";

export const dynamic = "force-dynamic";

// DELETE /api/admin/webhooks/:id – removes the endpoint with its delivery log; audit event
// "webhook_endpoint_deleted" (admins only).
export const DELETE = withApi(async ({ params, ip, userAgent }) => {
  const admin = await requireAdmin();
  await deleteWebhookEndpoint(await getDb(), params.id ?? "", { admin, ip, userAgent });
  return json({ deleted: true });
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods(["DELETE"]);
