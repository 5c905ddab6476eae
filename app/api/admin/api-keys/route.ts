import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { createApiKey, createApiKeySchema, listApiKeys } from "@/lib/api-keys";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// POST /api/admin/api-keys { name, scopes, allowedIps?, rateLimitPerHour? } – answers { id, key, … };
// the key is shown only here. Audit event "api_key_created" (admins only).
export const POST = withApi(async ({ req, ip, userAgent }) => {
  const admin = await requireAdmin();
  const input = validate(createApiKeySchema, await parseJson(req));
  const created = await createApiKey(await getDb(), input, { admin, ip, userAgent });
  return json(created, { status: 201 });
});

// GET /api/admin/api-keys – every key with scopes, ranges, last use and revocation; never the secret.
export const GET = withApi(async () => {
  const admin = await requireAdmin();
  return json({ items: await listApiKeys(await getDb(), admin) });
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
