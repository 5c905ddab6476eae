import { json, withApi } from "@/lib/api/handler";
import { liftBlock } from "@/lib/admin/protection";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// DELETE /api/admin/protection/blocks/:id – lift an active block (manual or automatic); audited (admins only)
export const DELETE = withApi(async ({ params, ip, userAgent }) => {
  const admin = await requireAdmin();
  return json({ block: await liftBlock(await getDb(), admin, params.id ?? "", { ip, userAgent, now: new Date() }) });
});
