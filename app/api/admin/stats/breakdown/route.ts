import { json, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { getBreakdown } from "@/lib/admin/breakdown";
import { searchParamsObject, statsQuerySchema } from "@/lib/admin/schemas";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

// GET /api/admin/stats/breakdown?from&to – sent, delivered, verified per channel, provider and country (admins only)
export const GET = withApi(async ({ req }) => {
  const admin = await requireAdmin();
  const query = validate(statsQuerySchema, searchParamsObject(new URL(req.url).searchParams));
  return json(await getBreakdown(admin, await getDb(), query));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
