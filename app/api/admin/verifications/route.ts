import { json, validate, withApi } from "@/lib/api/handler";
import { searchParamsObject, verificationListQuerySchema } from "@/lib/admin/schemas";
import { listVerifications } from "@/lib/admin/verifications";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { otherMethods } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

// GET /api/admin/verifications – one keyset page of verifications, newest first, filtered (admins only)
export const GET = withApi(async ({ req }) => {
  const admin = await requireAdmin();
  const { cursor, limit, ...filters } = validate(verificationListQuerySchema, searchParamsObject(new URL(req.url).searchParams));
  return json(await listVerifications(admin, await getDb(), filters, { cursor, limit }));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
