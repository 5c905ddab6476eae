import { json, validate, withApi } from "@/lib/api/handler";
import { searchParamsObject, statsQuerySchema } from "@/lib/admin/schemas";
import { getStats } from "@/lib/admin/stats";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// GET /api/admin/stats?from&to&bucket – dashboard cards and chart series for a period (admins only)
export const GET = withApi(async ({ req }) => {
  await requireAdmin();
  const query = validate(statsQuerySchema, searchParamsObject(new URL(req.url).searchParams));
  return json(await getStats(await getDb(), query));
});
