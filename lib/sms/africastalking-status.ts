import "server-only";
import { timingSafeEqual } from "node:crypto";
import { AppError } from "../api/errors";
import type { Db } from "../db";
import type { Env } from "../env";
import { log } from "../log";
import { AT_DELIVERY_STATUS, AT_FAILURE_REASONS } from "./africastalking";
import { applyDeliveryStatus } from "./delivery-reports";
import { readFormLimited } from "./twilio-status";

export type AfricasTalkingStatusConfig = Pick<Env, "AT_API_KEY" | "AT_CALLBACK_TOKEN">;

function sameToken(given: string | null, expected: string): boolean {
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Africa's Talking's delivery-report callback (form-encoded id, status, phoneNumber, failureReason…).
 * AT does not sign callbacks, so with AT_CALLBACK_TOKEN set the URL must carry `?token=` with it
 * (403 otherwise, logged); a report only ever moves a message we sent with that id. 404 when
 * Africa's Talking is not configured; 204 for every accepted report, final or not.
 */
export async function handleAfricasTalkingStatusCallback(
  req: Request,
  config: AfricasTalkingStatusConfig,
  getDb: () => Promise<Db>,
  now: () => Date = () => new Date(),
): Promise<Response> {
  if (!config.AT_API_KEY) throw new AppError("not_found", "Africa's Talking is not configured.");
  if (config.AT_CALLBACK_TOKEN && !sameToken(new URL(req.url).searchParams.get("token"), config.AT_CALLBACK_TOKEN)) {
    log.warn("africastalking callback refused", { reason: "token" });
    throw new AppError("forbidden", "The callback token is missing or invalid.");
  }
  const params = await readFormLimited(req);
  const id = params.get("id")?.trim();
  const rawStatus = params.get("status")?.trim() ?? "";
  const status = AT_DELIVERY_STATUS[rawStatus];
  if (id && status) {
    const reason = params.get("failureReason")?.trim();
    await applyDeliveryStatus(await getDb(), {
      provider: "africastalking",
      providerMessageId: id,
      status,
      at: now(),
      ...(status === "undelivered" && {
        errorCode: (reason && AT_FAILURE_REASONS[reason]) || (rawStatus === "AbsentSubscriber" ? "invalid_number" : "unknown"),
        errorMessage: `Africa's Talking ${rawStatus}${reason ? `: ${reason.slice(0, 80)}` : ""}`,
      }),
    });
  }
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
}
