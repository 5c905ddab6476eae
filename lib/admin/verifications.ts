/**
 * Admin queries over verifications: the filtered list (keyset pages), the detail timeline and the
 * CSV export. Every query names its columns: codeHash and loginTokenHash are never read.
 */
import "server-only";
import { AppError } from "../api/errors";
import type { Db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { assertAdminActor, type AdminActor } from "./actor";
import { afterCursor, decodeCursor, encodeCursor } from "./cursor";
import { env } from "../env";
import { phoneSearchFragment } from "./phone-search";
import { MAX_PAGE_SIZE, type VerificationFilters } from "./schemas";

/** The columns an admin may see. Deliberately a whitelist: new secret columns stay hidden. */
export const VERIFICATION_SELECT = {
  id: true,
  phone: true,
  country: true,
  purpose: true,
  status: true,
  attempts: true,
  maxAttempts: true,
  expiresAt: true,
  createdAt: true,
  updatedAt: true,
  verifiedAt: true,
  ip: true,
  userAgent: true,
  isTestNumber: true,
  smsProvider: true,
  smsStatus: true,
  channel: true,
  smsLocale: true,
  loginTokenUsedAt: true,
  userId: true,
} satisfies Prisma.VerificationSelect;

const SMS_SELECT = {
  id: true,
  verificationId: true,
  provider: true,
  channel: true,
  attempt: true,
  status: true,
  providerMessageId: true,
  httpStatus: true,
  errorCode: true,
  errorMessage: true,
  latencyMs: true,
  createdAt: true,
  deliveredAt: true,
} satisfies Prisma.SmsMessageSelect;

type VerificationRecord = Prisma.VerificationGetPayload<{ select: typeof VERIFICATION_SELECT }>;
type SmsRecord = Prisma.SmsMessageGetPayload<{ select: typeof SMS_SELECT }>;

export type LastSms = Pick<SmsRecord, "provider" | "status" | "errorCode" | "errorMessage" | "latencyMs" | "httpStatus" | "createdAt"> & {
  attempts: number;
};

export type VerificationRow = VerificationRecord & {
  /** What the admin should read: a pending code past its expiry is shown as expired. */
  displayStatus: VerificationRecord["status"];
  lastSms: LastSms | null;
};

export type VerificationPage = { items: VerificationRow[]; nextCursor: string | null };

/** The smallest string greater than every string starting with `prefix` (digits and + only), or
 * undefined when there is none (a prefix of nines). */
function prefixUpperBound(prefix: string): string | undefined {
  const trimmed = prefix.replace(/9+$/, "");
  if (!trimmed || trimmed === "+") return undefined;
  const last = trimmed.at(-1)!;
  return trimmed.slice(0, -1) + (last === "+" ? "," : String.fromCharCode(last.charCodeAt(0) + 1));
}

/** The Prisma `where` for a set of filters, relative to `now` (pending vs expired). */
export function verificationWhere(filters: VerificationFilters, now: Date): Prisma.VerificationWhereInput {
  const and: Prisma.VerificationWhereInput[] = [];
  if (filters.status === "pending") and.push({ status: "pending", expiresAt: { gt: now } });
  else if (filters.status === "expired") and.push({ OR: [{ status: "expired" }, { status: "pending", expiresAt: { lte: now } }] });
  else if (filters.status) and.push({ status: filters.status });
  if (filters.purpose) and.push({ purpose: filters.purpose });
  if (filters.provider) and.push({ smsProvider: filters.provider });
  if (filters.smsStatus) and.push({ smsStatus: filters.smsStatus });
  if (filters.phone) {
    // E.164 never starts with 0, so a trunk 0 means a national number ("0712" → "+255712").
    const phone = phoneSearchFragment(filters.phone, env().PHONE_DEFAULT_COUNTRY);
    if (filters.phoneMatch === "contains") {
      // "0712" may also be digits in the middle of a number: match both readings.
      and.push(phone === filters.phone ? { phone: { contains: phone } } : { OR: [{ phone: { contains: filters.phone } }, { phone: { contains: phone } }] });
    } else {
      const prefix = phone.startsWith("+") ? phone : `+${phone}`;
      // The range lets PostgreSQL walk the (phone, createdAt) index under any collation; the
      // LIKE (startsWith) keeps the result exact.
      const upper = prefixUpperBound(prefix);
      and.push({ phone: { gte: prefix, ...(upper && { lt: upper }), startsWith: prefix } });
    }
  }
  if (filters.from) and.push({ createdAt: { gte: filters.from } });
  if (filters.to) and.push({ createdAt: { lt: filters.to } });
  return and.length ? { AND: and } : {};
}

async function lastSmsByVerification(db: Db, ids: string[]): Promise<Map<string, LastSms>> {
  const out = new Map<string, LastSms>();
  if (!ids.length) return out;
  const messages = await db.smsMessage.findMany({
    where: { verificationId: { in: ids } },
    select: SMS_SELECT,
    orderBy: [{ createdAt: "asc" }, { attempt: "asc" }],
  });
  for (const m of messages) {
    const attempts = (out.get(m.verificationId)?.attempts ?? 0) + 1;
    const { provider, status, errorCode, errorMessage, latencyMs, httpStatus, createdAt } = m;
    out.set(m.verificationId, { provider, status, errorCode, errorMessage, latencyMs, httpStatus, createdAt, attempts });
  }
  return out;
}

export function displayStatus(v: Pick<VerificationRecord, "status" | "expiresAt">, now: Date): VerificationRecord["status"] {
  return v.status === "pending" && v.expiresAt.getTime() <= now.getTime() ? "expired" : v.status;
}

/** One page without the public page-size cap (the CSV export reads bigger batches). */
async function readPage(db: Db, filters: VerificationFilters, opts: { cursor?: string; limit: number; now: Date }): Promise<VerificationPage> {
  const cursor = decodeCursor(opts.cursor);
  const where = verificationWhere(filters, opts.now);
  const rows = await db.verification.findMany({
    where: cursor ? { AND: [where, afterCursor(cursor)] } : where,
    select: VERIFICATION_SELECT,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
  });
  const hasMore = rows.length > opts.limit;
  const page = hasMore ? rows.slice(0, opts.limit) : rows;
  const sms = await lastSmsByVerification(db, page.map((r) => r.id));
  return {
    items: page.map((r) => ({ ...r, displayStatus: displayStatus(r, opts.now), lastSms: sms.get(r.id) ?? null })),
    nextCursor: hasMore ? encodeCursor(page[page.length - 1]) : null,
  };
}

/**
 * A page of verifications, newest first, keyset-paginated on (createdAt desc, id desc): the cost of
 * page 1,000 equals page 1's, and there is never a COUNT over the table.
 */
export async function listVerifications(
  actor: AdminActor,
  db: Db,
  filters: VerificationFilters,
  opts: { cursor?: string; limit?: number; now?: Date } = {},
): Promise<VerificationPage> {
  assertAdminActor(actor);
  const limit = Math.min(Math.max(1, opts.limit ?? 50), MAX_PAGE_SIZE);
  return readPage(db, filters, { cursor: opts.cursor, limit, now: opts.now ?? new Date() });
}

export type TimelineEvent = {
  at: Date;
  kind: "created" | "sms" | "verify" | "verified" | "expired" | "locked" | "superseded" | "failed" | "login";
  title: string;
  detail?: string;
  tone: "neutral" | "success" | "warning" | "danger";
};

export type VerificationDetail = {
  verification: VerificationRow;
  smsMessages: SmsRecord[];
  verifyAttempts: { id: string; ip: string | null; result: string; createdAt: Date }[];
  user: { id: string; phone: string; role: "USER" | "ADMIN"; createdAt: Date; lastLoginAt: Date | null } | null;
  timeline: TimelineEvent[];
};

const VERIFY_RESULT_TONE: Record<string, TimelineEvent["tone"]> = {
  verified: "success",
  invalid_code: "warning",
  expired: "warning",
  locked: "danger",
  rate_limited: "danger",
  not_found: "neutral",
};

function buildTimeline(v: VerificationRow, sms: SmsRecord[], attempts: VerificationDetail["verifyAttempts"], now: Date): TimelineEvent[] {
  const events: TimelineEvent[] = [
    { at: v.createdAt, kind: "created", title: `Code requested for ${v.purpose}`, detail: v.ip ? `from ${v.ip}` : undefined, tone: "neutral" },
  ];
  for (const m of sms) {
    const ok = m.status === "sent" || m.status === "delivered";
    const answer = [m.httpStatus && `HTTP ${m.httpStatus}`, m.errorCode, m.errorMessage, m.latencyMs != null && `${m.latencyMs} ms`]
      .filter(Boolean)
      .join(" · ");
    events.push({ at: m.createdAt, kind: "sms", title: `SMS via ${m.provider} (attempt ${m.attempt}): ${m.status}`, detail: answer || undefined, tone: ok ? "neutral" : "danger" });
    if (m.deliveredAt) events.push({ at: m.deliveredAt, kind: "sms", title: `Delivery report from ${m.provider}: delivered`, tone: "success" });
  }
  for (const a of attempts) {
    events.push({ at: a.createdAt, kind: "verify", title: `Verify attempt: ${a.result.replace(/_/g, " ")}`, detail: a.ip ? `from ${a.ip}` : undefined, tone: VERIFY_RESULT_TONE[a.result] ?? "neutral" });
  }
  const last = attempts.at(-1)?.createdAt ?? v.updatedAt;
  const status = displayStatus(v, now);
  if (status === "verified" && v.verifiedAt) events.push({ at: v.verifiedAt, kind: "verified", title: "Verified", tone: "success" });
  if (v.loginTokenUsedAt) events.push({ at: v.loginTokenUsedAt, kind: "login", title: "Signed in with this code", tone: "success" });
  if (status === "expired") events.push({ at: v.expiresAt, kind: "expired", title: "Expired unused", tone: "warning" });
  if (status === "locked") events.push({ at: last, kind: "locked", title: `Locked after ${v.attempts} wrong attempts`, tone: "danger" });
  if (status === "superseded") events.push({ at: v.updatedAt, kind: "superseded", title: "Superseded by a newer code", tone: "neutral" });
  if (status === "failed") {
    const at = new Date(Math.max(v.updatedAt.getTime(), sms.at(-1)?.createdAt.getTime() ?? 0));
    events.push({ at, kind: "failed", title: "Not delivered: every SMS attempt failed", tone: "danger" });
  }
  // Stable order: by time, then the order pushed (created → SMS → verify → final state).
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i).map(({ e }) => e);
}

/** Everything known about one verification, as a timeline. Throws not_found. */
export async function getVerificationDetail(actor: AdminActor, db: Db, id: string, now = new Date()): Promise<VerificationDetail> {
  assertAdminActor(actor);
  // No id holds a NUL byte, and PostgreSQL would refuse the query with one (a 500).
  const v = id.includes("\u0000") ? null : await db.verification.findUnique({ where: { id }, select: VERIFICATION_SELECT });
  if (!v) throw new AppError("not_found", "No verification with this id.");
  const [smsMessages, verifyAttempts, user] = await Promise.all([
    db.smsMessage.findMany({ where: { verificationId: id }, select: SMS_SELECT, orderBy: [{ createdAt: "asc" }, { attempt: "asc" }] }),
    db.verifyAttempt.findMany({ where: { verificationId: id }, select: { id: true, ip: true, result: true, createdAt: true }, orderBy: { createdAt: "asc" } }),
    v.userId
      ? db.user.findUnique({ where: { id: v.userId }, select: { id: true, phone: true, role: true, createdAt: true, lastLoginAt: true } })
      : null,
  ]);
  const lastSms = smsMessages.at(-1);
  const row: VerificationRow = {
    ...v,
    displayStatus: displayStatus(v, now),
    lastSms: lastSms
      ? {
          provider: lastSms.provider,
          status: lastSms.status,
          errorCode: lastSms.errorCode,
          errorMessage: lastSms.errorMessage,
          latencyMs: lastSms.latencyMs,
          httpStatus: lastSms.httpStatus,
          createdAt: lastSms.createdAt,
          attempts: smsMessages.length,
        }
      : null,
  };
  return { verification: row, smsMessages, verifyAttempts, user, timeline: buildTimeline(row, smsMessages, verifyAttempts, now) };
}

export const CSV_COLUMNS = [
  "id",
  "created_at",
  "phone",
  "country",
  "purpose",
  "status",
  "attempts",
  "max_attempts",
  "expires_at",
  "verified_at",
  "sms_provider",
  "sms_status",
  "sms_error",
  "sms_latency_ms",
  "sms_attempts",
  "ip",
  "user_id",
] as const;

/** RFC 4180 quoting, plus a leading ' on text a spreadsheet would run as a formula (phone numbers
 * and plain numbers excepted: they are data, not formulas). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(r: VerificationRow): string {
  const sms = r.lastSms;
  const error = sms?.errorCode ? [sms.errorCode, sms.errorMessage].filter(Boolean).join(": ") : "";
  return [
    r.id, r.createdAt, r.phone, r.country, r.purpose, r.displayStatus, r.attempts, r.maxAttempts, r.expiresAt, r.verifiedAt,
    r.smsProvider, r.smsStatus, error, sms?.latencyMs, sms?.attempts, r.ip, r.userId,
  ].map(csvCell).join(",");
}

export const CSV_BATCH_SIZE = 1000;

/**
 * The CSV of exactly the filtered set, one keyset batch at a time: memory stays at one batch
 * whatever the row count. Yields the header line first, then one chunk per batch.
 */
export async function* streamVerificationsCsv(
  actor: AdminActor,
  db: Db,
  filters: VerificationFilters,
  opts: { batchSize?: number; now?: Date } = {},
): AsyncGenerator<string> {
  assertAdminActor(actor);
  const now = opts.now ?? new Date();
  yield `${CSV_COLUMNS.join(",")}\r\n`;
  let cursor: string | undefined;
  do {
    const page = await readPage(db, filters, { cursor, limit: opts.batchSize ?? CSV_BATCH_SIZE, now });
    if (page.items.length) yield page.items.map(csvLine).join("\r\n") + "\r\n";
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
