import { withApi } from "@/lib/api/handler";
import { removeSafeListEntry } from "@/lib/admin/protection";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// DELETE /api/admin/protection/safe-list/:id – take a number or range off the Safe List; audited (admins only)
export const DELETE = withApi(async ({ params, ip, userAgent }) => {
  const admin = await requireAdmin();
  await removeSafeListEntry(await getDb(), admin, params.id ?? "", { ip, userAgent, now: new Date() });
  return new Response(null, { status: 204 });
});
