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

export const MAX_BODY_BYTES = 16 * 1024;

export type ApiContext = { req: Request; ip: string | null; userAgent: string | null; params: Record<string, string> };
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
    throw new AppError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const text = await readLimited(req);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "The request body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError("invalid_json", "The request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

function tooLarge() {
  return new AppError("payload_too_large", `The request body must be at most ${MAX_BODY_BYTES / 1024} KB.`);
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
    throw new AppError("validation_error", "Some fields are missing or invalid.", { fields: fieldErrors(result.error) });
  }
  return result.data;
}

/** Renders any thrown value as the API's error shape. */
export function errorResponse(error: unknown, route: string): Response {
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    if (error.details.retryAfter !== undefined) headers["Retry-After"] = String(error.details.retryAfter);
    return json(error.toBody(), { status: error.status, headers });
  }
  if (isDatabaseUnavailable(error)) {
    log.error("database unavailable", { route, error: errorName(error) });
    const e = new AppError("database_unavailable", "The service is temporarily unavailable. Please try again shortly.");
    return json(e.toBody(), { status: e.status, headers: { "Retry-After": "5" } });
  }
  log.error("unhandled error", { route, error: errorName(error) });
  const e = new AppError("internal_error", "Something went wrong on our side. Please try again.");
  return json(e.toBody(), { status: e.status });
}

// Only the error's class and code are logged: messages from drivers can carry query values.
function errorName(error: unknown): string {
  const e = error as { name?: string; code?: string } | null;
  return [e?.name ?? typeof error, e?.code].filter(Boolean).join(":");
}

export function withApi(handler: (ctx: ApiContext) => Promise<Response>) {
  return async (req: Request, routeContext?: RouteContext): Promise<Response> => {
    const route = new URL(req.url).pathname;
    try {
      const raw = (await routeContext?.params) ?? {};
      const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
      return await handler({ req, ip: clientIp(req), userAgent: req.headers.get("user-agent")?.slice(0, 300) ?? null, params });
    } catch (error) {
      return errorResponse(error, route);
    }
  };
}
