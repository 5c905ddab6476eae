import "server-only";
import type { Db } from "../db";
import { AppError } from "../api/errors";
import type { Env } from "../env";
import { applyDeliveryStatus } from "./delivery-reports";
import { TWILIO_DELIVERY_REASONS, validateTwilioSignature } from "./twilio";
import { callStatusReport } from "./voice";

export type TwilioStatusConfig = Pick<Env, "TWILIO_AUTH_TOKEN" | "TWILIO_STATUS_CALLBACK_URL">;

/** Twilio's callbacks are a few hundred bytes. */
export const MAX_CALLBACK_BYTES = 16 * 1024;

/** Twilio MessageStatus → our final statuses; queued/sending/sent/accepted/… are not final and ignored. */
const FINAL_STATUS: Record<string, "delivered" | "undelivered"> = {
  delivered: "delivered",
  undelivered: "undelivered",
  failed: "undelivered",
};

export async function readFormLimited(req: Request): Promise<URLSearchParams> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "Send the body as application/x-www-form-urlencoded.");
  }
  const tooLarge = new AppError("payload_too_large", `The request body must be at most ${MAX_CALLBACK_BYTES / 1024} KB.`);
  if (Number(req.headers.get("content-length") ?? "0") > MAX_CALLBACK_BYTES) throw tooLarge;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_CALLBACK_BYTES) {
        await reader.cancel();
        throw tooLarge;
      }
      chunks.push(value);
    }
  }
  return new URLSearchParams(new TextDecoder().decode(Buffer.concat(chunks)));
}

/**
 * Handles Twilio's status callbacks, for messages (MessageSid, MessageStatus) and for the voice
 * channel's calls (CallSid, CallStatus; see callStatusReport): 404 when Twilio is not configured, 403 for a bad signature
 * (checked against TWILIO_STATUS_CALLBACK_URL, the URL Twilio was told to call, else the request
 * URL), else 204 whatever the status: Twilio needs no more than an acknowledgement.
 */
export async function handleTwilioStatusCallback(
  req: Request,
  config: TwilioStatusConfig,
  getDb: () => Promise<Db>,
  now: () => Date = () => new Date(),
): Promise<Response> {
  if (!config.TWILIO_AUTH_TOKEN) throw new AppError("not_found", "Twilio is not configured.");
  const params = await readFormLimited(req);
  const url = config.TWILIO_STATUS_CALLBACK_URL ?? req.url;
  if (!validateTwilioSignature(config.TWILIO_AUTH_TOKEN, url, params, req.headers.get("x-twilio-signature"))) {
    throw new AppError("forbidden", "The Twilio signature is missing or invalid.");
  }
  const sid = params.get("MessageSid") ?? params.get("SmsSid");
  const callSid = params.get("CallSid");
  const call = !sid && callSid ? callStatusReport(params) : null;
  if (callSid && call) {
    await applyDeliveryStatus(await getDb(), { provider: "twilio_voice", providerMessageId: callSid, at: now(), ...call });
  }
  const status = FINAL_STATUS[(params.get("MessageStatus") ?? params.get("SmsStatus") ?? "").toLowerCase()];
  if (sid && status) {
    const errorCode = params.get("ErrorCode")?.trim();
    await applyDeliveryStatus(await getDb(), {
      provider: "twilio",
      providerMessageId: sid,
      status,
      at: now(),
      ...(status === "undelivered" && {
        errorCode: (errorCode && TWILIO_DELIVERY_REASONS[errorCode]) || "unknown",
        errorMessage: errorCode ? `Twilio ${errorCode}` : `Twilio ${params.get("MessageStatus") ?? "failed"}`,
      }),
    });
  }
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
}
