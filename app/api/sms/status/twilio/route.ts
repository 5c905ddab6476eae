import { withApi } from "@/lib/api/handler";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { handleTwilioStatusCallback } from "@/lib/sms/twilio-status";
import { otherMethods } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

// POST /api/sms/status/twilio – Twilio's delivery status callback (signed form post)
export const POST = withApi(async ({ req }) => handleTwilioStatusCallback(req, env(), getDb));

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
