import { withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { handleAfricasTalkingStatusCallback } from "@/lib/sms/africastalking-status";

export const dynamic = "force-dynamic";

// POST /api/sms/status/africastalking – Africa's Talking's delivery-report callback (form post)
export const POST = withApi(async ({ req }) => handleAfricasTalkingStatusCallback(req, env(), getDb));

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
