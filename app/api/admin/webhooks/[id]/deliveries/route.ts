import { json, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listWebhookDeliveries } from "@/lib/webhooks/endpoints";

export const dynamic = "force-dynamic";

// GET /api/admin/webhooks/:id/deliveries – the newest 50 deliveries with every attempt: outcome,
// response code, latency and the first 500 characters of the response (admins only).
export const GET = withApi(async ({ params }) => {
  const admin = await requireAdmin();
  return json({ items: await listWebhookDeliveries(await getDb(), params.id ?? "", admin) });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
