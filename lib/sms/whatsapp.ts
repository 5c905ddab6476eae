import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Env } from "../env";
import { cleanGatewayText, describeUnexpectedBody, failure, failureFromFetchError, readBodyLimited, secretsFor, type ProviderResult } from "./http";
import type { SmsErrorCode, SmsProvider } from "./types";

export type WhatsAppConfig = Pick<
  Env,
  "WHATSAPP_API_URL" | "WHATSAPP_TOKEN" | "WHATSAPP_PHONE_NUMBER_ID" | "WHATSAPP_TEMPLATE" | "WHATSAPP_TEMPLATE_LANGUAGE"
>;

export function isWhatsAppConfigured(config: Pick<Env, "WHATSAPP_TOKEN" | "WHATSAPP_PHONE_NUMBER_ID" | "WHATSAPP_TEMPLATE">): boolean {
  return !!(config.WHATSAPP_TOKEN && config.WHATSAPP_PHONE_NUMBER_ID && config.WHATSAPP_TEMPLATE);
}

/**
 * Cloud API error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes) →
 * our reasons. Transient ones are refusals of this request (nothing queued), so retrying is safe.
 */
const WHATSAPP_REASONS: Record<number, { errorCode: SmsErrorCode; transient?: boolean }> = {
  0: { errorCode: "invalid_credentials" }, // AuthException
  190: { errorCode: "invalid_credentials" }, // access token expired or invalid
  10: { errorCode: "invalid_credentials" }, // permission denied
  200: { errorCode: "invalid_credentials" }, // permission denied
  3: { errorCode: "invalid_credentials" }, // capability not available to the app
  4: { errorCode: "rate_limited", transient: true }, // too many calls
  80007: { errorCode: "rate_limited", transient: true }, // WABA rate limit
  130429: { errorCode: "rate_limited", transient: true }, // throughput limit
  131056: { errorCode: "rate_limited", transient: true }, // pair rate limit
  131048: { errorCode: "rate_limited" }, // spam rate limit
  2: { errorCode: "server_error", transient: true }, // service temporarily unavailable
  133004: { errorCode: "server_error", transient: true }, // server temporarily unavailable
  100: { errorCode: "invalid_message" }, // invalid parameter
  131008: { errorCode: "invalid_message" }, // required parameter missing
  131009: { errorCode: "invalid_message" }, // parameter value invalid
  132000: { errorCode: "invalid_message" }, // template parameter count mismatch
  132001: { errorCode: "invalid_message" }, // template does not exist in that language
  132005: { errorCode: "invalid_message" }, // translated text too long
  132007: { errorCode: "invalid_message" }, // template format character policy violated
  132012: { errorCode: "invalid_message" }, // template parameter format mismatch
  131026: { errorCode: "invalid_number" }, // message undeliverable (not on WhatsApp…)
  131030: { errorCode: "invalid_number" }, // recipient not in the allowed list (test numbers)
  131021: { errorCode: "invalid_number" }, // recipient is the sender
  131031: { errorCode: "account_blocked" }, // business account locked
  368: { errorCode: "account_blocked" }, // temporarily blocked for policy violations
  131042: { errorCode: "insufficient_credit" }, // payment issue
  133010: { errorCode: "sender_invalid" }, // phone number not registered
  131045: { errorCode: "sender_invalid" }, // incorrect certificate
};

export function whatsAppReason(code: number | undefined): { errorCode: SmsErrorCode; transient?: boolean } | undefined {
  return code === undefined ? undefined : WHATSAPP_REASONS[code];
}

export function whatsAppMessagesUrl(config: Pick<WhatsAppConfig, "WHATSAPP_API_URL" | "WHATSAPP_PHONE_NUMBER_ID">): string {
  return `${config.WHATSAPP_API_URL.replace(/\/+$/, "")}/${encodeURIComponent(config.WHATSAPP_PHONE_NUMBER_ID ?? "")}/messages`;
}

/** The authentication template: the code as the body parameter and as the copy-code button's parameter. */
export function whatsAppTemplatePayload(config: Pick<WhatsAppConfig, "WHATSAPP_TEMPLATE" | "WHATSAPP_TEMPLATE_LANGUAGE">, to: string, code: string) {
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: to.replace(/^\+/, ""),
    type: "template",
    template: {
      name: config.WHATSAPP_TEMPLATE,
      language: { code: config.WHATSAPP_TEMPLATE_LANGUAGE },
      components: [
        { type: "body", parameters: [{ type: "text", text: code }] },
        { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: code }] },
      ],
    },
  };
}

/** Success: 200 with messages[0].id (a wamid). Graph errors: { error: { code, message, error_data } }. */
export function interpretWhatsAppAnswer(httpStatus: number, body: string, secrets: string[] = []): ProviderResult {
  const p = "whatsapp";
  const at = { httpStatus };
  let parsed: Record<string, unknown> | undefined;
  try {
    const value: unknown = body.trim() ? JSON.parse(body) : undefined;
    if (value && typeof value === "object" && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    parsed = undefined;
  }
  const id = (parsed?.messages as { id?: unknown }[] | undefined)?.[0]?.id;
  if (httpStatus >= 200 && httpStatus < 300 && typeof id === "string" && id) {
    return { provider: p, ok: true, status: "sent", providerMessageId: id, httpStatus, transient: false };
  }
  const error = parsed?.error as { code?: unknown; message?: unknown; error_data?: { details?: unknown } } | undefined;
  const code = typeof error?.code === "number" ? error.code : undefined;
  const details = typeof error?.error_data?.details === "string" ? error.error_data.details : "";
  const words = cleanGatewayText(`${typeof error?.message === "string" ? error.message : ""}${details ? ` – ${details}` : ""}`, secrets).slice(0, 200);
  const message = code !== undefined ? `WhatsApp ${code}: ${words}`.trim() : words;
  const reason = whatsAppReason(code);
  if (reason) return failure(p, reason.errorCode, message, { ...at, transient: reason.transient ?? false, ambiguous: false });
  if (httpStatus === 429) return failure(p, "rate_limited", message || "HTTP 429", at);
  if (httpStatus >= 500) return failure(p, "server_error", message || `HTTP ${httpStatus}`, at);
  if (!parsed) return failure(p, "bad_response", describeUnexpectedBody(body, httpStatus, secrets), at);
  if (httpStatus === 401) return failure(p, "invalid_credentials", message || "HTTP 401", at);
  if (httpStatus >= 200 && httpStatus < 300) return failure(p, "bad_response", `HTTP ${httpStatus} without a message id`, at);
  return failure(p, "unknown", message || `HTTP ${httpStatus}`, { ...at, transient: false });
}

/** WhatsApp Business Cloud API: the authentication template, POSTed as JSON with a Bearer token. */
export function createWhatsAppProvider(config: WhatsAppConfig): SmsProvider {
  const token = config.WHATSAPP_TOKEN;
  if (!token || !config.WHATSAPP_PHONE_NUMBER_ID || !config.WHATSAPP_TEMPLATE) {
    throw new Error("whatsapp: WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_TEMPLATE are required");
  }
  const url = whatsAppMessagesUrl(config);
  return {
    name: "whatsapp",
    async send(message, signal) {
      if (!message.code) return failure("whatsapp", "invalid_message", "no code to send", { transient: false });
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(whatsAppTemplatePayload(config, message.to, message.code)),
          signal,
        });
        const body = await readBodyLimited(res);
        return interpretWhatsAppAnswer(res.status, body, secretsFor(message, [token, message.code]));
      } catch (error) {
        return failureFromFetchError("whatsapp", error, signal);
      }
    },
  };
}

/** Meta's webhook signature: `sha256=` + hex HMAC-SHA256 of the raw body with the app secret, compared in constant time. */
export function validateWhatsAppSignature(appSecret: string, rawBody: string, header: string | null | undefined): boolean {
  if (!appSecret || !header) return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", appSecret).update(rawBody, "utf8").digest("hex")}`);
  const given = Buffer.from(header.trim());
  return expected.length === given.length && timingSafeEqual(expected, given);
}
