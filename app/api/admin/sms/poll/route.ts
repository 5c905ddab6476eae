import { json, withApi } from "@/lib/api/handler";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { pollMshastraDeliveryReports } from "@/lib/sms/delivery-reports";
import { otherMethods } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

// POST /api/admin/sms/poll – ask mShastra for delivery reports of recent `sent` messages (admins only)
export const POST = withApi(async () => {
  await requireAdmin();
  return json(await pollMshastraDeliveryReports(await getDb(), env()));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
