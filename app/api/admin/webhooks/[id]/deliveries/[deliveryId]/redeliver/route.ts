import { json, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getJobQueue } from "@/lib/jobs/runtime";
import { redeliverWebhook } from "@/lib/webhooks/endpoints";

export const dynamic = "force-dynamic";

// POST /api/admin/webhooks/:id/deliveries/:deliveryId/redeliver – queues one more attempt now, with
// the same webhook-id (admins only). Answers 202.
export const POST = withApi(async ({ params }) => {
  const admin = await requireAdmin();
  const queued = await redeliverWebhook(await getDb(), await getJobQueue(), params.id ?? "", params.deliveryId ?? "", admin);
  return json(queued, { status: 202 });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
