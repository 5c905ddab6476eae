import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { createManualBlock } from "@/lib/admin/protection";
import { manualBlockSchema } from "@/lib/admin/protection-schemas";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// POST /api/admin/protection/blocks { scope, key, minutes, note } – block a number, range or country; audited (admins only)
export const POST = withApi(async ({ req, ip, userAgent }) => {
  const admin = await requireAdmin();
  const input = validate(manualBlockSchema, await parseJson(req));
  return json({ block: await createManualBlock(await getDb(), admin, input, { ip, userAgent, now: new Date() }) }, { status: 201 });
});
