import { json, validate, withApi } from "@/lib/api/handler";
import { searchParamsObject, userListQuerySchema } from "@/lib/admin/schemas";
import { listUsers } from "@/lib/admin/users";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { otherMethods } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

// GET /api/admin/users – users with role, created and last login, newest first (admins only)
export const GET = withApi(async ({ req }) => {
  const admin = await requireAdmin();
  const query = validate(userListQuerySchema, searchParamsObject(new URL(req.url).searchParams));
  return json(await listUsers(admin, await getDb(), query));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
