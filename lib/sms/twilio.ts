import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Env } from "../env";
import { cleanGatewayText, describeUnexpectedBody, failure, failureFromFetchError, readBodyLimited, secretsFor, type ProviderResult } from "./http";
import type { SmsErrorCode, SmsProvider } from "./types";

export type TwilioConfig = Pick<
  Env,
  "TWILIO_API_URL" | "TWILIO_ACCOUNT_SID" | "TWILIO_AUTH_TOKEN" | "TWILIO_FROM" | "TWILIO_MESSAGING_SERVICE_SID" | "TWILIO_STATUS_CALLBACK_URL"
>;

/** Twilio error codes (https://www.twilio.com/docs/api/errors) → our reasons. */
const TWILIO_REASONS: Record<number, SmsErrorCode> = {
  20003: "invalid_credentials", // authentication failed
  20404: "invalid_credentials", // account (SID) not found
  20429: "rate_limited",
  21211: "invalid_number", // 'To' is not a valid phone number
  21614: "invalid_number", // 'To' is not a mobile number
  21408: "country_not_enabled", // no permission to send to this region
  21612: "country_not_enabled", // cannot route to this number
  21610: "dnd_number", // recipient replied STOP
  21212: "sender_invalid", // invalid 'From'
  21606: "sender_invalid", // 'From' is not a valid, SMS-capable number of this account
  21602: "invalid_message", // body required
  21617: "invalid_message", // body too long
};

/** Twilio's asynchronous delivery errors (status callback ErrorCode) → our reasons, where clear. */
export const TWILIO_DELIVERY_REASONS: Record<string, SmsErrorCode> = {
  "30003": "invalid_number", // unreachable handset
  "30005": "invalid_number", // unknown destination
  "30006": "invalid_number", // landline or unreachable carrier
  "30004": "dnd_number", // message blocked
  "30007": "invalid_message", // carrier filtering
  "30008": "unknown",
};

export function twilioMessagesUrl(config: Pick<TwilioConfig, "TWILIO_API_URL" | "TWILIO_ACCOUNT_SID">): string {
  return `${config.TWILIO_API_URL.replace(/\/+$/, "")}/2010-04-01/Accounts/${encodeURIComponent(config.TWILIO_ACCOUNT_SID ?? "")}/Messages.json`;
}

/** Turns Twilio's HTTP answer into one attempt result: success is 200/201 with a message sid. */
export function interpretTwilioAnswer(httpStatus: number, body: string, secrets: string[] = []): ProviderResult {
  const p = "twilio";
  const at = { httpStatus };
  let parsed: Record<string, unknown> | undefined;
  try {
    const value: unknown = body.trim() ? JSON.parse(body) : undefined;
    if (value && typeof value === "object" && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    parsed = undefined;
  }
  if ((httpStatus === 200 || httpStatus === 201) && typeof parsed?.sid === "string" && parsed.sid) {
    return { provider: p, ok: true, status: "sent", providerMessageId: parsed.sid, httpStatus, transient: false };
  }
  const code = typeof parsed?.code === "number" ? parsed.code : Number(parsed?.code) || undefined;
  const words = typeof parsed?.message === "string" ? cleanGatewayText(parsed.message, secrets) : "";
  const message = code ? `Twilio ${code}: ${words}`.trim() : words;
  if (httpStatus === 429 || code === 20429) return failure(p, "rate_limited", message || "HTTP 429: too many requests", at);
  if (httpStatus >= 500) return failure(p, "server_error", message || `HTTP ${httpStatus}`, at);
  if (code && TWILIO_REASONS[code]) return failure(p, TWILIO_REASONS[code], message, at);
  if (!parsed) return failure(p, "bad_response", describeUnexpectedBody(body, httpStatus, secrets), { ...at, transient: false });
  if (httpStatus === 401) return failure(p, "invalid_credentials", message || "HTTP 401", at);
  if (httpStatus >= 200 && httpStatus < 300) return failure(p, "bad_response", `HTTP ${httpStatus} without a message sid`, { ...at, transient: false });
  return failure(p, "unknown", message || `HTTP ${httpStatus}`, { ...at, transient: false });
}

/** Twilio's Messages REST API over fetch: form-encoded POST, Basic auth with the account SID and auth token. */
export function createTwilioProvider(config: TwilioConfig): SmsProvider {
  const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token, TWILIO_FROM: from, TWILIO_MESSAGING_SERVICE_SID: service } = config;
  if (!sid || !token) throw new Error("twilio: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required");
  if (!from && !service) throw new Error("twilio: TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required");
  const url = twilioMessagesUrl(config);
  const authorization = `Basic ${Buffer.from(`${sid}:${token}`).toString("base64")}`;
  return {
    name: "twilio",
    async send(message, signal) {
      const form = new URLSearchParams({ To: message.to, Body: message.text });
      // A messaging service picks the sender itself; when both are set it wins, as in Twilio's own API.
      if (service) form.set("MessagingServiceSid", service);
      else form.set("From", from!);
      if (config.TWILIO_STATUS_CALLBACK_URL) form.set("StatusCallback", config.TWILIO_STATUS_CALLBACK_URL);
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
          body: form,
          signal,
        });
        const body = await readBodyLimited(res);
        return interpretTwilioAnswer(res.status, body, secretsFor(message, [token, sid, authorization]));
      } catch (error) {
        return failureFromFetchError("twilio", error, signal);
      }
    },
  };
}

export type TwilioParams = URLSearchParams | Record<string, string | string[]>;

/** Twilio's request signature: base64 HMAC-SHA1 of the URL followed by each key and value, keys sorted. */
export function computeTwilioSignature(authToken: string, url: string, params: TwilioParams): string {
  const entries = new Map<string, string[]>();
  const add = (k: string, v: string) => entries.set(k, [...(entries.get(k) ?? []), v]);
  if (params instanceof URLSearchParams) params.forEach((v, k) => add(k, v));
  else for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) add(k, one);
  let data = url;
  for (const key of [...entries.keys()].sort()) for (const value of entries.get(key)!.sort()) data += key + value;
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

/** The URL with and without its scheme's default port: Twilio signs whichever form it was given. */
function urlVariants(url: string): string[] {
  try {
    const u = new URL(url);
    const port = u.protocol === "https:" ? "443" : u.protocol === "http:" ? "80" : "";
    if (!port) return [url];
    const withPort = url.replace(/^(\w+:\/\/[^/:?#]+)(?=[/?#]|$)/, `$1:${port}`);
    const withoutPort = url.replace(new RegExp(`^(\\w+://[^/:?#]+):${port}(?=[/?#]|$)`), "$1");
    return [...new Set([url, withPort, withoutPort])];
  } catch {
    return [url];
  }
}

/** Checks X-Twilio-Signature in constant time. False when the header or the token is missing. */
export function validateTwilioSignature(authToken: string, url: string, params: TwilioParams, signatureHeader: string | null | undefined): boolean {
  if (!authToken || !signatureHeader) return false;
  const given = Buffer.from(signatureHeader.trim());
  let ok = false;
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(computeTwilioSignature(authToken, candidate, params));
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}
