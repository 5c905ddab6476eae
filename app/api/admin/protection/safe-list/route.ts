import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { addSafeListEntry } from "@/lib/admin/protection";
import { safeListEntrySchema } from "@/lib/admin/protection-schemas";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// POST /api/admin/protection/safe-list { value, note } – a number or range that bypasses the guard; audited (admins only)
export const POST = withApi(async ({ req, ip, userAgent }) => {
  const admin = await requireAdmin();
  const input = validate(safeListEntrySchema, await parseJson(req));
  return json({ entry: await addSafeListEntry(await getDb(), admin, input, { ip, userAgent, now: new Date() }) }, { status: 201 });
});
