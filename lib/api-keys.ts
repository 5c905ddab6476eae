/**
 * API keys for back ends calling the native API: `Authorization: Bearer potp_…`. Only a SHA-256 of
 * the key is stored (the key is 256 random bits, so a plain hash cannot be brute-forced and needs no
 * secret that could rotate away); the key itself is shown once, at creation. Each key has scopes,
 * optional allowed address ranges and its own hourly request budget.
 */
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { BlockList, isIP } from "node:net";
import { z } from "zod";
import { assertAdminActor, type AdminActor } from "./admin/actor";
import { AppError } from "./api/errors";
import type { Db } from "./db/connection";
import { metrics } from "./metrics";

export const API_KEY_SCOPES = ["otp:send", "otp:verify", "admin:read"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const API_KEY_PREFIX = "potp_";
const HOUR_MS = 3_600_000;

/** "10.0.0.0/8", "2001:db8::/32" or a single address. */
const ipRange = z
  .string()
  .trim()
  .refine((value) => parseRange(value) !== null, "Use an address or a CIDR range, e.g. 203.0.113.0/24.");

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, "Give the key a name.").max(80),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1, "Choose at least one scope.")
    .transform((scopes) => [...new Set(scopes)]),
  allowedIps: z.array(ipRange).max(50).default([]),
  rateLimitPerHour: z.number().int().min(1).max(1_000_000).default(1_000),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

function parseRange(value: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | null {
  const [address, bits] = value.split("/");
  const version = isIP(address);
  if (!version) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) return null;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/**
 * `ip` is the client's key (lib/client-ip.ts): an IPv4 address, or an IPv6 client's network
 * ("2001:db8:1:2::/64", IP_V6_PREFIX). A network passes when it lies wholly inside an allowed range
 * (its first address matches a range at most as long as the network's prefix).
 */
export function ipAllowed(ranges: string[], key: string | null): boolean {
  if (ranges.length === 0) return true;
  const [ip, bits] = (key ?? "").split("/");
  const networkPrefix = bits === undefined ? 128 : Number(bits);
  if (!ip || !isIP(ip)) return false;
  const list = new BlockList();
  for (const range of ranges) {
    const parsed = parseRange(range);
    if (parsed && (parsed.family === "ipv4" || parsed.prefix <= networkPrefix)) list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return list.check(ip, isIP(ip) === 4 ? "ipv4" : "ipv6");
}


export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export type ApiKeySummary = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  allowedIps: string[];
  rateLimitPerHour: number;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const SUMMARY = { id: true, name: true, prefix: true, scopes: true, allowedIps: true, rateLimitPerHour: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/** The admin acting, checked by every function here (lib/admin/actor.ts), with the request's address. */
type Actor = { admin: AdminActor; ip?: string | null; userAgent?: string | null };

/** Creates a key; the returned `key` is the only time the secret exists outside the caller. */
export async function createApiKey(db: Db, input: CreateApiKeyInput, actor: Actor): Promise<ApiKeySummary & { key: string }> {
  assertAdminActor(actor.admin);
  const data = createApiKeySchema.parse(input);
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const created = await db.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: { ...data, prefix: key.slice(0, 12), keyHash: hashApiKey(key), createdById: actor.admin.id },
      select: SUMMARY,
    });
    await tx.auditEvent.create({
      data: { type: "api_key_created", actorId: actor.admin.id, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null, data: { apiKeyId: row.id, name: row.name, scopes: row.scopes } },
    });
    return row;
  });
  return { ...created, key };
}

export async function listApiKeys(db: Db, admin: AdminActor): Promise<ApiKeySummary[]> {
  assertAdminActor(admin);
  return db.apiKey.findMany({ orderBy: { createdAt: "desc" }, select: SUMMARY });
}

/** Revokes a key; effective on its next request (every request reads the key row). */
export async function revokeApiKey(db: Db, id: string, actor: Actor, now = new Date()): Promise<ApiKeySummary> {
  assertAdminActor(actor.admin);
  return db.$transaction(async (tx) => {
    const existing = await tx.apiKey.findUnique({ where: { id }, select: SUMMARY });
    if (!existing) throw new AppError("not_found", "There is no API key with this id.");
    if (existing.revokedAt) return existing;
    const row = await tx.apiKey.update({ where: { id }, data: { revokedAt: now }, select: SUMMARY });
    await tx.auditEvent.create({
      data: { type: "api_key_revoked", actorId: actor.admin.id, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null, data: { apiKeyId: id, name: row.name } },
    });
    return row;
  });
}

export type AuthenticatedKey = { id: string; name: string; scopes: string[] };

/** The bearer token of an Authorization header, or null when there is none. */
export function bearerToken(authorization: string | null): string | null {
  if (!authorization) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1] : "";
}

/**
 * Checks the key behind `Authorization: Bearer …` for `scope`: null without a header; 401 for an
 * unknown or revoked key, 403 for a wrong scope or address, 429 past its hourly budget. The budget
 * and "last used" are one conditional UPDATE (a fixed one-hour window per key), so concurrent
 * requests cannot overshoot it.
 */
export async function authenticateApiKey(
  db: Db,
  input: { authorization: string | null; ip: string | null; scope: ApiKeyScope; now?: Date },
): Promise<AuthenticatedKey | null> {
  const token = bearerToken(input.authorization);
  if (token === null) return null;
  const invalid = new AppError("unauthorized", { key: "apiKeyInvalid" });
  if (!token.startsWith(API_KEY_PREFIX) || token.length > 200) throw invalid;
  const key = await db.apiKey.findUnique({ where: { keyHash: hashApiKey(token) } });
  if (!key || key.revokedAt) throw invalid;
  if (!key.scopes.includes(input.scope)) throw new AppError("forbidden", { key: "apiKeyScope", values: { scope: input.scope } });
  if (!ipAllowed(key.allowedIps, input.ip)) throw new AppError("forbidden", { key: "apiKeyAddress" });
  const now = input.now ?? new Date();
  const windowFrom = new Date(now.getTime() - HOUR_MS);
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "ApiKey" SET
      "windowStart" = CASE WHEN "windowStart" IS NULL OR "windowStart" <= ${windowFrom}::timestamp THEN ${now}::timestamp ELSE "windowStart" END,
      "windowCount" = CASE WHEN "windowStart" IS NULL OR "windowStart" <= ${windowFrom}::timestamp THEN 1 ELSE "windowCount" + 1 END,
      "lastUsedAt" = ${now}::timestamp
    WHERE id = ${key.id} AND "revokedAt" IS NULL
      AND ("windowStart" IS NULL OR "windowStart" <= ${windowFrom}::timestamp OR "windowCount" < "rateLimitPerHour")
    RETURNING id`;
  if (!rows[0]) {
    metrics().rateLimited.inc({ rule: "api_key_hour" });
    const retryAfter = key.windowStart ? Math.max(1, Math.ceil((key.windowStart.getTime() + HOUR_MS - now.getTime()) / 1000)) : 60;
    throw new AppError("rate_limited", { key: "apiKeyRateLimited", values: { limit: key.rateLimitPerHour } }, { retryAfter });
  }
  return { id: key.id, name: key.name, scopes: key.scopes };
}


/**
 * OTP_REQUIRE_API_KEY=1 closes the native send/verify to anonymous callers, except our own browser
 * login: a same-origin browser request (`Sec-Fetch-Site: same-origin`, which browsers set and pages
 * on other sites cannot) for the Login purpose. A script outside a browser can send that header
 * too, so it reaches only what the login page can — Login codes, under the per-phone and per-IP
 * limits — never another purpose.
 */
export function assertCallerAllowed(opts: { required: boolean; apiKey: AuthenticatedKey | null; secFetchSite: string | null; purpose: string }) {
  if (!opts.required || opts.apiKey) return;
  if (opts.secFetchSite === "same-origin" && opts.purpose.trim().toLowerCase() === "login") return;
  throw new AppError("unauthorized", { key: "apiKeyRequired", values: { placeholder: "<key>" } });
}
