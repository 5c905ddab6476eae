/**
 * Query schemas of the admin API, shared by the route handlers and the dashboard's URL state.
 * No server-only imports: the client components read the same names and limits.
 */
import { z } from "zod";
import { SMS_STATUSES, VERIFICATION_STATUSES } from "./statuses";

export { SMS_STATUSES, VERIFICATION_STATUSES };
export const ROLES = ["USER", "ADMIN"] as const;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;
/** The longest period the stats endpoint aggregates, and the longest one it splits into hours. */
export const MAX_STATS_DAYS = 92;
export const MAX_HOURLY_DAYS = 14;

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());

/** An ISO date (`2026-11-24`, taken as UTC midnight) or date-time. */
const instant = z
  .string()
  .trim()
  .refine((v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), "Use an ISO date or date-time")
  .transform((v) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v));

/** Free text stored in the database: PostgreSQL text cannot hold a NUL byte (it would be a 500). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((v) => !v.includes("\u0000"), "Must not contain NUL bytes");

/** An opaque keyset cursor (base64url). */
const cursor = z.string().max(200).regex(/^[A-Za-z0-9_-]*$/, "Invalid cursor");

/** What the admin typed, reduced to `+` and digits; a bare number gets its `+` back for prefix matches. */
const phoneFragment = z
  .string()
  .trim()
  .max(24)
  .transform((v) => v.replace(/[\s().-]/g, ""))
  .refine((v) => /^\+?\d{1,15}$/.test(v), "Use digits, optionally starting with +");

const verificationFiltersShape = z.object({
  status: optional(z.enum(VERIFICATION_STATUSES)),
  purpose: optional(text(40)),
  provider: optional(text(40)),
  smsStatus: optional(z.enum(SMS_STATUSES)),
  phone: optional(phoneFragment),
  phoneMatch: z.preprocess(emptyToUndefined, z.enum(["prefix", "contains"]).default("prefix")),
  from: optional(instant),
  to: optional(instant),
});

/** A reversed range is a mistake to point at, not a silent empty list. */
const rangeInOrder = (q: { from?: Date; to?: Date }) => !(q.from && q.to && q.from > q.to);
const RANGE_ERROR = { path: ["from"], message: "'From' is after 'To': swap the dates" };

export const verificationFiltersSchema = verificationFiltersShape.refine(rangeInOrder, RANGE_ERROR);

export type VerificationFilters = z.infer<typeof verificationFiltersSchema>;

export const verificationListQuerySchema = verificationFiltersShape
  .extend({
    cursor: optional(cursor),
    limit: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE)),
  })
  .refine(rangeInOrder, RANGE_ERROR);

export const statsQuerySchema = z
  .object({
    from: optional(instant),
    to: optional(instant),
    bucket: z.preprocess(emptyToUndefined, z.enum(["hour", "day"]).optional()),
  })
  .transform((q, ctx) => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 86_400_000);
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    if (days <= 0) ctx.addIssue({ code: "custom", path: ["from"], message: "from must be before to" });
    if (days > MAX_STATS_DAYS) ctx.addIssue({ code: "custom", path: ["from"], message: `The period can be at most ${MAX_STATS_DAYS} days` });
    const bucket = q.bucket ?? (days <= 2 ? "hour" : "day");
    if (bucket === "hour" && days > MAX_HOURLY_DAYS) {
      ctx.addIssue({ code: "custom", path: ["bucket"], message: `Hourly buckets cover at most ${MAX_HOURLY_DAYS} days` });
    }
    return { from, to, bucket } as { from: Date; to: Date; bucket: "hour" | "day" };
  });

export type StatsQuery = z.infer<typeof statsQuerySchema>;

export const userListQuerySchema = z.object({
  cursor: optional(cursor),
  limit: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE)),
  role: optional(z.enum(ROLES)),
  phone: optional(phoneFragment),
});

export type UserListQuery = z.infer<typeof userListQuerySchema>;

export const setRoleSchema = z.object({ role: z.enum(ROLES) });

/** A row id from the URL (verification, user): printable, bounded. */
export const adminIdSchema = z.object({
  id: z.string().min(1).max(100).regex(/^[^\u0000-\u001f\u007f]+$/, "Invalid id"),
});

/** URLSearchParams → plain object (first value of each key) for the schemas above. */
export function searchParamsObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in out)) out[key] = value;
  return out;
}
