import { json, withApi } from "@/lib/api/handler";
import { getVerificationDetail } from "@/lib/admin/verifications";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// GET /api/admin/verifications/:id – one verification with its SMS and verify attempts as a timeline (admins only)
export const GET = withApi(async ({ params }) => {
  await requireAdmin();
  return json(await getVerificationDetail(await getDb(), params.id ?? ""));
});
