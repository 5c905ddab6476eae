import "server-only";
import type { Env } from "../env";
import { cleanGatewayText, describeUnexpectedBody, failure, failureFromFetchError, readBodyLimited, secretsFor, type ProviderResult } from "./http";
import type { SmsErrorCode, SmsProvider } from "./types";

export type AfricasTalkingConfig = Pick<Env, "AT_API_URL" | "AT_USERNAME" | "AT_API_KEY" | "AT_SENDER_ID">;

/**
 * Africa's Talking per-recipient statusCode → our reason (their SMS API documentation):
 * 100 Processed, 101 Sent, 102 Queued are accepted; the rest are refusals for that recipient.
 */
const AT_STATUS: Record<number, { errorCode: SmsErrorCode; transient?: boolean }> = {
  401: { errorCode: "account_blocked" }, // RiskHold
  402: { errorCode: "sender_invalid" }, // InvalidSenderId
  403: { errorCode: "invalid_number" }, // InvalidPhoneNumber
  404: { errorCode: "invalid_number" }, // UnsupportedNumberType
  405: { errorCode: "insufficient_credit" }, // InsufficientBalance
  406: { errorCode: "dnd_number" }, // UserInBlacklist
  407: { errorCode: "country_not_enabled" }, // CouldNotRoute
  409: { errorCode: "dnd_number" }, // DoNotDisturbRejection
  500: { errorCode: "server_error", transient: true }, // InternalServerError (answered per recipient: not sent)
  501: { errorCode: "server_error", transient: true }, // GatewayError
  502: { errorCode: "unknown" }, // RejectedByGateway
};
const ACCEPTED = new Set([100, 101, 102]);

export function africasTalkingMessagingUrl(config: Pick<AfricasTalkingConfig, "AT_API_URL">): string {
  return `${config.AT_API_URL.replace(/\/+$/, "")}/version1/messaging`;
}

/** Turns Africa's Talking's answer into one attempt: success only for an accepted statusCode with a messageId. */
export function interpretAfricasTalkingAnswer(httpStatus: number, body: string, to: string, secrets: string[] = []): ProviderResult {
  const p = "africastalking";
  const at = { httpStatus };
  if (httpStatus === 429) return failure(p, "rate_limited", `HTTP 429: ${cleanGatewayText(body, secrets).slice(0, 120) || "too many requests"}`, at);
  if (httpStatus >= 500) return failure(p, "server_error", `HTTP ${httpStatus}: ${cleanGatewayText(body, secrets).slice(0, 120) || "no body"}`, at);
  let parsed: unknown;
  try {
    parsed = body.trim() ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  const data = (parsed as { SMSMessageData?: { Message?: unknown; Recipients?: unknown } } | undefined)?.SMSMessageData;
  if (!data || typeof data !== "object") {
    // Refusals of the whole request come as plain text: "The supplied authentication is invalid", "Invalid phone number"…
    const words = cleanGatewayText(body, secrets).slice(0, 160);
    if (httpStatus === 401 || /authentication is invalid/i.test(body)) return failure(p, "invalid_credentials", words || "HTTP 401", at);
    if (/invalid (phone )?number/i.test(body)) return failure(p, "invalid_number", words, at);
    if (/sender ?id/i.test(body)) return failure(p, "sender_invalid", words, at);
    return failure(p, "bad_response", describeUnexpectedBody(body, httpStatus, secrets), at);
  }
  const recipients = Array.isArray(data.Recipients) ? (data.Recipients as Record<string, unknown>[]) : [];
  const recipient = recipients.find((r) => r?.number === to) ?? recipients[0];
  const summary = typeof data.Message === "string" ? cleanGatewayText(data.Message, secrets) : "";
  if (!recipient) {
    // "Sent to 0/1 Total Cost: 0" with no recipient entry: AT refused the number outright.
    return failure(p, httpStatus >= 200 && httpStatus < 300 && /sent to 0\//i.test(summary) ? "invalid_number" : "bad_response", summary || "no recipient in the answer", at);
  }
  const code = Number(recipient.statusCode);
  const words = `${typeof recipient.status === "string" ? cleanGatewayText(recipient.status, secrets) : "status"} (${Number.isFinite(code) ? code : "?"})`;
  if (ACCEPTED.has(code)) {
    const id = typeof recipient.messageId === "string" ? recipient.messageId.trim() : "";
    if (id && id !== "None") return { provider: p, ok: true, status: "sent", providerMessageId: id, httpStatus, transient: false };
    return failure(p, "bad_response", `${words} without a messageId`, { ...at, ambiguous: true });
  }
  const reason = AT_STATUS[code];
  if (!reason) return failure(p, "unknown", words, { ...at, transient: false });
  return failure(p, reason.errorCode, words, { ...at, transient: reason.transient ?? false });
}

/** Africa's Talking SMS: form POST to {AT_API_URL}/version1/messaging with the apiKey header. */
export function createAfricasTalkingProvider(config: AfricasTalkingConfig): SmsProvider {
  const { AT_USERNAME: username, AT_API_KEY: apiKey, AT_SENDER_ID: from } = config;
  if (!username || !apiKey) throw new Error("africastalking: AT_USERNAME and AT_API_KEY are required");
  const url = africasTalkingMessagingUrl(config);
  return {
    name: "africastalking",
    async send(message, signal) {
      const form = new URLSearchParams({ username, to: message.to, message: message.text });
      if (from) form.set("from", from);
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { apiKey, Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
          body: form,
          signal,
        });
        const body = await readBodyLimited(res);
        return interpretAfricasTalkingAnswer(res.status, body, message.to, secretsFor(message, [apiKey]));
      } catch (error) {
        return failureFromFetchError("africastalking", error, signal);
      }
    },
  };
}

/**
 * Africa's Talking delivery-report statuses (callback `status`): final ones only. Sent, Submitted
 * and Buffered are still on their way and acknowledged without a change.
 */
export const AT_DELIVERY_STATUS: Record<string, "delivered" | "undelivered"> = {
  Success: "delivered",
  Failed: "undelivered",
  Rejected: "undelivered",
  AbsentSubscriber: "undelivered",
  Expired: "undelivered",
};

/** Callback failureReason → our reason, where clear. */
export const AT_FAILURE_REASONS: Record<string, SmsErrorCode> = {
  InsufficientCredit: "insufficient_credit",
  UserInBlackList: "dnd_number",
  DoNotDisturbRejection: "dnd_number",
  UserDoesNotExist: "invalid_number",
  NotNetworkSubcriber: "invalid_number",
  UserIsInactive: "invalid_number",
  UserAccountSuspended: "invalid_number",
  AbsentSubscriber: "invalid_number",
};
