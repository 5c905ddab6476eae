import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { setGuardMode } from "@/lib/admin/protection";
import { guardModeSchema } from "@/lib/admin/protection-schemas";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// PUT /api/admin/protection/mode { mode } – off | monitor | enforce for every instance; audited (admins only)
export const PUT = withApi(async ({ req, ip, userAgent }) => {
  const admin = await requireAdmin();
  const input = validate(guardModeSchema, await parseJson(req));
  return json({ setting: await setGuardMode(await getDb(), admin, input, { ip, userAgent, now: new Date() }) });
});
