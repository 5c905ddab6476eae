/** The webhook settings route handlers and admin actions pass to lib/webhooks/endpoints.ts. */
import "server-only";
import { env } from "../env";
import { allowsPrivateWebhooks } from "../jobs/worker";
import type { WebhookSettings } from "./endpoints";

export function webhookSettings(): WebhookSettings {
  const config = env();
  return { secret: config.OTP_SECRET, allowPrivate: allowsPrivateWebhooks(config) };
}
