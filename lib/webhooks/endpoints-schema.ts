/** The body of POST /api/admin/webhooks (also the admin form), shared with the OpenAPI document. */
import { z } from "zod";
import { WEBHOOK_EVENT_TYPES } from "./events";

export const createWebhookSchema = z.object({
  url: z.string().trim().min(1, "Enter the URL that receives the events.").max(2_000),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES, { message: `Use event types from: ${WEBHOOK_EVENT_TYPES.join(", ")}.` }))
    .min(1, "Choose at least one event.")
    .transform((events) => [...new Set(events)]),
});
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;
