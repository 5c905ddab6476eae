import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { createWebhookEndpoint, createWebhookSchema, listWebhookEndpoints } from "@/lib/webhooks/endpoints";
import { webhookSettings } from "@/lib/webhooks/settings";

export const dynamic = "force-dynamic";

// POST /api/admin/webhooks { url, events } – answers { id, secret, … }; the signing secret is shown
// only here. Audit event "webhook_endpoint_created" (admins only).
export const POST = withApi(async ({ req, ip, userAgent }) => {
  const admin = await requireAdmin();
  const input = validate(createWebhookSchema, await parseJson(req));
  const created = await createWebhookEndpoint(await getDb(), input, { admin, ip, userAgent }, webhookSettings());
  return json(created, { status: 201 });
});

// GET /api/admin/webhooks – every endpoint with its events and state; never the secret.
export const GET = withApi(async () => {
  const admin = await requireAdmin();
  return json({ items: await listWebhookEndpoints(await getDb(), admin) });
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
