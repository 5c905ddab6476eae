import { json, validate, withApi } from "@/lib/api/handler";
import { searchParamsObject, statsQuerySchema } from "@/lib/admin/schemas";
import { getStats } from "@/lib/admin/stats";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { otherMethods } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

// GET /api/admin/stats?from&to&bucket – dashboard cards and chart series for a period (admins only)
export const GET = withApi(async ({ req }) => {
  const admin = await requireAdmin();
  const query = validate(statsQuerySchema, searchParamsObject(new URL(req.url).searchParams));
  return json(await getStats(admin, await getDb(), query));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
