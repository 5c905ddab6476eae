/**
 * withApi: the one wrapper every route handler goes through. It reads the body safely (size and
 * type limits), finds the client IP, and maps every error to the single JSON error shape. Anything
 * unexpected becomes a logged, generic 500 that never echoes the error's message.
 */
import { z } from "zod";
import { env } from "../env";
import { log } from "../log";
import { AppError } from "./errors";
import { SOCKET_IP_HEADER } from "../socket-ip";
import { compileTrustProxy, resolveClientKey, type TrustProxy } from "../client-ip";
import { isDatabaseUnavailable } from "../db/errors";
import { observeHttp } from "../metrics";
import { authenticateApiKey, type ApiKeyScope, type AuthenticatedKey } from "../api-keys";
import { getDb } from "../db";
import { negotiateLocale } from "../i18n/negotiate";
import type { Locale } from "../i18n/locales";

export const MAX_BODY_BYTES = 16 * 1024;

export type ApiContext = {
  req: Request;
  ip: string | null;
  userAgent: string | null;
  params: Record<string, string>;
  /** The valid API key of `Authorization: Bearer …` on routes that accept keys; null when none was sent. */
  apiKey: AuthenticatedKey | null;
};
type RouteContext = { params?: Promise<Record<string, string | string[]>> };

export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, { ...init, headers: { "Cache-Control": "no-store", ...init.headers } });
}

const trustCache: { value?: string; trust?: TrustProxy } = {};

/**
 * The client's address key (lib/client-ip.ts): the socket's address, or behind trusted proxies
 * (TRUST_PROXY) the first X-Forwarded-For hop that is not one of them — normalised, and IPv6 by its
 * IP_V6_PREFIX network. A client cannot forge the hops our own proxies appended.
 */
export function clientIp(req: Request): string | null {
  const config = env();
  if (trustCache.value !== config.TRUST_PROXY) {
    trustCache.trust = compileTrustProxy(config.TRUST_PROXY);
    trustCache.value = config.TRUST_PROXY;
  }
  return resolveClientKey(req.headers.get(SOCKET_IP_HEADER), req.headers.get("x-forwarded-for"), trustCache.trust!, config.IP_V6_PREFIX);
}

/** Reads a JSON object body: 415 unless JSON, 413 over MAX_BODY_BYTES, 400 when malformed. */
export async function parseJson(req: Request): Promise<Record<string, unknown>> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", { key: "unsupportedMediaType" });
  }
  const text = await readLimited(req);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", { key: "invalidJson" });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError("invalid_json", { key: "jsonNotObject" });
  }
  return body as Record<string, unknown>;
}

function tooLarge() {
  return new AppError("payload_too_large", { key: "payloadTooLarge", values: { kb: MAX_BODY_BYTES / 1024 } });
}

/** Reads the body as text, stopping (413) as soon as it passes MAX_BODY_BYTES, chunked or not. */
export async function readLimited(req: Request): Promise<string> {
  return new TextDecoder().decode(await readLimitedBytes(req));
}

/** The body's bytes, with the same streaming limit as readLimited (multipart needs the bytes). */
export async function readLimitedBytes(req: Request): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Field-level messages from a zod error: { phone: "…", code: "…" }. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "body";
    fields[key] ??= issue.message;
  }
  return fields;
}

export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError("validation_error", { key: "validationError" }, { fields: fieldErrors(result.error) });
  }
  return result.data;
}

/**
 * The locale of the API's error messages: the best match for Accept-Language among LOCALES, else
 * DEFAULT_LOCALE. Only `message` changes with it; the seed routes never call this.
 */
export function apiLocale(req: Request): Locale {
  const config = env();
  return negotiateLocale(req.headers.get("accept-language"), config.LOCALES as Locale[], config.DEFAULT_LOCALE as Locale);
}

/** Renders any thrown value as the API's error shape, its message in `locale`. */
export function errorResponse(error: unknown, route: string, locale: Locale = "en"): Response {
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    if (error.details.retryAfter !== undefined) headers["Retry-After"] = String(error.details.retryAfter);
    return json(error.toBody(locale), { status: error.status, headers });
  }
  if (isDatabaseUnavailable(error)) {
    log.error("database unavailable", { route, error: errorName(error) });
    const e = new AppError("database_unavailable", { key: "databaseUnavailable" });
    return json(e.toBody(locale), { status: e.status, headers: { "Retry-After": "5" } });
  }
  log.error("unhandled error", { route, error: errorName(error) });
  const e = new AppError("internal_error", { key: "internalError" });
  return json(e.toBody(locale), { status: e.status });
}

// Only the error's class and code are logged: messages from drivers can carry query values.
function errorName(error: unknown): string {
  const e = error as { name?: string; code?: string } | null;
  return [e?.name ?? typeof error, e?.code].filter(Boolean).join(":");
}

/** `apiKeyScope`: the route accepts API keys; a sent key must be valid and carry this scope (401/403). */
export function withApi(handler: (ctx: ApiContext) => Promise<Response>, options: { apiKeyScope?: ApiKeyScope } = {}) {
  return async (req: Request, routeContext?: RouteContext): Promise<Response> => {
    const route = new URL(req.url).pathname;
    const started = performance.now();
    let response: Response;
    try {
      const raw = (await routeContext?.params) ?? {};
      const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
      const ip = clientIp(req);
      const authorization = req.headers.get("authorization");
      const apiKey = options.apiKeyScope && authorization ? await authenticateApiKey(await getDb(), { authorization, ip, scope: options.apiKeyScope }) : null;
      response = await handler({ req, ip, userAgent: req.headers.get("user-agent")?.slice(0, 300) ?? null, params, apiKey });
    } catch (error) {
      response = errorResponse(error, route, apiLocale(req));
    }
    // Unknown paths share one label: a client must not be able to grow the label set.
    observeHttp(response.status === 404 ? "(not found)" : route, req.method, response.status, (performance.now() - started) / 1000);
    return response;
  };
}
