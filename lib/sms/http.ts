import "server-only";
import type { SmsErrorCode, SmsMessageRequest, SmsProvider } from "./types";

/** What a provider's send() returns: one attempt, before the sender adds timing and numbering. */
export type ProviderResult = Awaited<ReturnType<SmsProvider["send"]>>;

/** Gateways answer a few hundred bytes; anything bigger is read only this far. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_ERROR_MESSAGE = 300;

/** Reads a response body as text, at most `limit` bytes (the rest is discarded), honouring the fetch's signal. */
export async function readBodyLimited(res: Response, limit = MAX_RESPONSE_BYTES): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= limit) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, limit));
}

/** Values that must never reach an error message: credentials, the text and the digit runs in it (the code). */
export function secretsFor(message: Pick<SmsMessageRequest, "text"> | undefined, credentials: (string | undefined)[]): string[] {
  const secrets = credentials.filter((s): s is string => !!s && s.length >= 3);
  if (message) {
    secrets.push(message.text);
    for (const digits of message.text.match(/\d{4,}/g) ?? []) secrets.push(digits);
  }
  // Longest first, so a secret containing another is removed whole.
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

/** A gateway's words made safe to store: tags stripped, one line, short, secrets redacted. */
export function cleanGatewayText(text: string, secrets: string[]): string {
  let out = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  if (out.length > MAX_ERROR_MESSAGE) out = `${out.slice(0, MAX_ERROR_MESSAGE)}…`;
  return out;
}

/** A short description of a body that is not the JSON the gateway should send. */
export function describeUnexpectedBody(body: string, httpStatus: number, secrets: string[]): string {
  if (!body.trim()) return `empty answer (HTTP ${httpStatus})`;
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1];
  if (/^\s*</.test(body)) return `HTML page (HTTP ${httpStatus}): ${cleanGatewayText(title ?? body, secrets).slice(0, 120)}`;
  return `non-JSON answer (HTTP ${httpStatus}): ${cleanGatewayText(body, secrets).slice(0, 120)}`;
}

export function failure(
  provider: SmsProvider["name"],
  errorCode: SmsErrorCode,
  errorMessage: string,
  extra: { httpStatus?: number; transient?: boolean; ambiguous?: boolean } = {},
): ProviderResult {
  const ambiguous = extra.ambiguous ?? isAmbiguousByDefault(errorCode, extra.httpStatus);
  const transient = !ambiguous && (extra.transient ?? isTransientCode(errorCode));
  return {
    provider,
    ok: false,
    status: ambiguous ? "unconfirmed" : "failed",
    errorCode,
    errorMessage,
    transient,
    ...(extra.httpStatus !== undefined && { httpStatus: extra.httpStatus }),
  };
}

/** Worth retrying on the same provider, provided the gateway has proven it did not take the message. */
export function isTransientCode(code: SmsErrorCode): boolean {
  return code === "network_error" || code === "server_error" || code === "rate_limited";
}

/**
 * Outcomes after which the gateway may hold the message although we saw no success: no answer in
 * time, an unreadable 2xx, a 5xx other than 503 (a 500/502/504 can come after the gateway queued it).
 * These are never retried on the same provider (a retry could deliver a second SMS).
 */
function isAmbiguousByDefault(code: SmsErrorCode, httpStatus: number | undefined): boolean {
  if (code === "timeout") return true;
  if (code === "bad_response") return httpStatus !== undefined && httpStatus >= 200 && httpStatus < 300;
  if (code === "server_error") return httpStatus !== undefined && httpStatus >= 500 && httpStatus !== 503;
  return false;
}

/**
 * Network errors that prove the request never reached the gateway: nothing was written to it
 * (connection refused, no route, DNS failure, connect timeout, TLS handshake refused).
 */
const NOT_SENT_NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

/**
 * A fetch that threw: our timeout (the signal fired), a failure before the request was written
 * (refused, DNS…: retried) or one after (reset, socket closed mid-answer: ambiguous, not retried).
 */
export function failureFromFetchError(provider: SmsProvider["name"], error: unknown, signal: AbortSignal): ProviderResult {
  if (signal.aborted) return failure(provider, "timeout", "no answer before the timeout");
  const cause = (error as { cause?: { code?: string; message?: string; cause?: { code?: string } } } | null)?.cause;
  const code = cause?.code ?? cause?.cause?.code ?? (error as { code?: string } | null)?.code;
  // fetch refuses some ports (e.g. 9) itself, before any connection: nothing was sent either.
  if (!code && cause?.message === "bad port") return failure(provider, "network_error", "network error: port refused by fetch", { ambiguous: false });
  const message = code ? `network error: ${code}` : "network error";
  return failure(provider, "network_error", message, { ambiguous: !(code && NOT_SENT_NETWORK_CODES.has(code)) });
}
