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
  extra: { httpStatus?: number; transient?: boolean } = {},
): ProviderResult {
  const transient = extra.transient ?? isTransientCode(errorCode);
  return { provider, ok: false, status: "failed", errorCode, errorMessage, transient, ...(extra.httpStatus !== undefined && { httpStatus: extra.httpStatus }) };
}

export function isTransientCode(code: SmsErrorCode): boolean {
  return code === "timeout" || code === "network_error" || code === "server_error" || code === "rate_limited";
}

/** A fetch that threw: our timeout (the signal fired) or a network failure (refused, reset, DNS…). */
export function failureFromFetchError(provider: SmsProvider["name"], error: unknown, signal: AbortSignal): ProviderResult {
  if (signal.aborted) return failure(provider, "timeout", "no answer before the timeout");
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: string } | null)?.code;
  return failure(provider, "network_error", code ? `network error: ${code}` : "network error");
}
