import { withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { getOtpContext } from "@/lib/otp/context";
import { handleWhatsAppVerify, handleWhatsAppWebhook } from "@/lib/sms/whatsapp-webhook";

export const dynamic = "force-dynamic";

// GET /api/channels/whatsapp/webhook – Meta's verify-token handshake
export const GET = withApi(async ({ req }) => handleWhatsAppVerify(req, env()));

// POST /api/channels/whatsapp/webhook – signed delivery statuses; a failed auto send falls back to SMS
export const POST = withApi(async ({ req }) =>
  handleWhatsAppWebhook(req, env(), {
    getDb,
    fallback: async () => {
      const ctx = await getOtpContext();
      return { db: ctx.db, sms: ctx.sms, now: ctx.now, secret: ctx.config.secret, template: ctx.config.sms, ttlSeconds: ctx.config.ttlSeconds };
    },
  }),
);

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
