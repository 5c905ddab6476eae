import { json, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { enableWebhookEndpoint } from "@/lib/webhooks/endpoints";

export const dynamic = "force-dynamic";

// POST /api/admin/webhooks/:id/enable – enables a disabled endpoint again (audit event
// "webhook_endpoint_enabled"); answers the endpoint (admins only).
export const POST = withApi(async ({ params, ip, userAgent }) => {
  const admin = await requireAdmin();
  return json(await enableWebhookEndpoint(await getDb(), params.id ?? "", { admin, ip, userAgent }));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
