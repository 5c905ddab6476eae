import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { adminIdSchema, setRoleSchema } from "@/lib/admin/schemas";
import { setUserRole } from "@/lib/admin/users";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { otherMethods } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

// PATCH /api/admin/users/:id { role } – promote or demote; recorded as AuditEvent "role_change" (admins only)
export const PATCH = withApi(async ({ req, params, ip, userAgent }) => {
  const admin = await requireAdmin();
  const { id } = validate(adminIdSchema, { id: params.id });
  const { role } = validate(setRoleSchema, await parseJson(req));
  const user = await setUserRole(admin, await getDb(), { userId: id, role, ip, userAgent });
  return json({ user });
});

export const { GET, POST, PUT, DELETE, OPTIONS } = otherMethods(["PATCH"]);
