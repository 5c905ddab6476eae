import { AppError } from "@/lib/api/errors";
import { json, withApi } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { isOutboxEnabled, listOutbox, normaliseOutboxFilter, outboxMessageJson } from "@/lib/sms/console";
import { otherMethods } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

// GET /api/dev/outbox?to=+E164 – messages captured by the console SMS provider, newest first
export const GET = withApi(async ({ req }) => {
  if (!isOutboxEnabled(env())) throw new AppError("not_found", "Not found.");
  const to = normaliseOutboxFilter(new URL(req.url).searchParams.get("to"));
  if (to && !/^\+\d{6,15}$/.test(to)) {
    throw new AppError("validation_error", "Some fields are missing or invalid.", { fields: { to: "Use an E.164 number, e.g. +255712345678." } });
  }
  return json({ messages: listOutbox(to).map(outboxMessageJson) });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
