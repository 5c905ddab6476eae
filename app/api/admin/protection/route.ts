import { json, withApi } from "@/lib/api/handler";
import { getProtection } from "@/lib/admin/protection";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getOtpContext } from "@/lib/otp/context";

export const dynamic = "force-dynamic";

// GET /api/admin/protection – guard mode, blocks with reasons, Safe List, sends vs verifies (admins only)
export const GET = withApi(async () => {
  const admin = await requireAdmin();
  const ctx = await getOtpContext();
  return json(await getProtection(await getDb(), admin, { now: ctx.now(), guard: ctx.config.guard }));
});
