import { json, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { adminIdSchema } from "@/lib/admin/schemas";
import { signOutEverywhere } from "@/lib/admin/users";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// DELETE /api/admin/users/:id/sessions – sign the user out everywhere; AuditEvent "sessions_ended" (admins only)
export const DELETE = withApi(async ({ params, ip, userAgent }) => {
  const admin = await requireAdmin();
  const { id } = validate(adminIdSchema, { id: params.id });
  return json(await signOutEverywhere(admin, await getDb(), { userId: id, ip, userAgent }));
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods(["DELETE"]);
