import { json, validate, withApi } from "@/lib/api/handler";
import { adminIdSchema } from "@/lib/admin/schemas";
import { getVerificationDetail } from "@/lib/admin/verifications";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { otherMethods } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

// GET /api/admin/verifications/:id – one verification with its SMS and verify attempts as a timeline (admins only)
export const GET = withApi(async ({ params }) => {
  const admin = await requireAdmin();
  const { id } = validate(adminIdSchema, { id: params.id });
  return json(await getVerificationDetail(admin, await getDb(), id));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
