import { json, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { revokeApiKey } from "@/lib/api-keys";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// DELETE /api/admin/api-keys/:id – revokes the key (its next request is refused); audit event
// "api_key_revoked". Revoking twice answers the same revoked key (admins only).
export const DELETE = withApi(async ({ params, ip, userAgent }) => {
  const admin = await requireAdmin();
  const key = await revokeApiKey(await getDb(), params.id ?? "", { admin, ip, userAgent });
  return json({ apiKey: key });
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods(["DELETE"]);
