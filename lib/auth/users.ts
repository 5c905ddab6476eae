/**
 * Users of the login flow: created on the first successful login, stamped on every one, promoted to
 * ADMIN from ADMIN_PHONES (at login) or the admin:add CLI. Sign-in/out land in AuditEvent.
 */
import "server-only";
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import type { Db } from "@/lib/db";

export type UserRole = "USER" | "ADMIN";

export type AuthUser = { id: string; phone: string; role: UserRole; lastLoginAt: Date | null };

export type AuthEventType = "sign_in" | "sign_out" | "role_change";

export type RequestMeta = { ip?: string | null; userAgent?: string | null };

/**
 * E.164 form of a phone typed by an operator (ADMIN_PHONES, the CLI): "+255…", "00255…",
 * "255…" (the seed's digits-only form) or a national number for `defaultCountry`. Null when invalid.
 */
export function normalizePhone(input: string, defaultCountry?: string): string | null {
  const compact = input.trim().replace(/[\s().\-/]/g, "");
  if (!/^(\+|00)?\d{4,17}$/.test(compact)) return null;
  const candidates = compact.startsWith("+")
    ? [compact]
    : compact.startsWith("00")
      ? [`+${compact.slice(2)}`]
      : [compact, `+${compact}`];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, defaultCountry as CountryCode | undefined);
    if (parsed?.isValid()) return parsed.number;
  }
  return null;
}

/** ADMIN_PHONES as a set of E.164 numbers; entries that do not parse are ignored. */
export function adminPhoneSet(adminPhones: readonly string[], defaultCountry?: string): Set<string> {
  const set = new Set<string>();
  for (const entry of adminPhones) {
    const e164 = normalizePhone(entry, defaultCountry);
    if (e164) set.add(e164);
  }
  return set;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "P2002";
}

/**
 * Creates the user on the first login and stamps lastLoginAt on every one. A phone listed in
 * ADMIN_PHONES is promoted to ADMIN; one that is not keeps its role (admin:add grants survive logins,
 * and removing a number from the list is not a demotion: do that deliberately).
 */
export async function upsertUserOnLogin(
  db: Db,
  input: { phone: string; isAdmin: boolean; now?: Date },
): Promise<AuthUser> {
  const now = input.now ?? new Date();
  const run = () =>
    db.user.upsert({
      where: { phone: input.phone },
      create: { phone: input.phone, role: input.isAdmin ? "ADMIN" : "USER", lastLoginAt: now },
      update: { lastLoginAt: now, ...(input.isAdmin && { role: "ADMIN" as const }) },
      select: { id: true, phone: true, role: true, lastLoginAt: true },
    });
  try {
    return await run();
  } catch (error) {
    // Two first logins of the same phone at once: the loser's insert hits the unique index; by now
    // the row exists, so the retry takes the update branch.
    if (isUniqueViolation(error)) return run();
    throw error;
  }
}

/** The successful-login bookkeeping: user upsert, verification linked to the user, sign_in audit. */
export async function recordLogin(
  db: Db,
  input: { phone: string; verificationId?: string; adminPhones: ReadonlySet<string>; now?: Date } & RequestMeta,
): Promise<AuthUser> {
  const user = await upsertUserOnLogin(db, { phone: input.phone, isAdmin: input.adminPhones.has(input.phone), now: input.now });
  if (input.verificationId) {
    await db.verification.updateMany({ where: { id: input.verificationId, userId: null }, data: { userId: user.id } });
  }
  await recordAuthEvent(db, { type: "sign_in", userId: user.id, phone: user.phone, ip: input.ip, userAgent: input.userAgent });
  return user;
}

export async function recordAuthEvent(
  db: Db,
  event: { type: AuthEventType; userId?: string | null; actorId?: string | null; phone?: string | null; data?: Record<string, string | number | boolean | null> } & RequestMeta,
): Promise<void> {
  await db.auditEvent.create({
    data: {
      type: event.type,
      userId: event.userId ?? null,
      actorId: event.actorId ?? null,
      phone: event.phone ?? null,
      ip: event.ip?.slice(0, 64) ?? null,
      userAgent: event.userAgent?.slice(0, 300) ?? null,
      ...(event.data && { data: event.data }),
    },
  });
}

/** Grants ADMIN to a phone, creating the user (never logged in yet) when needed. */
export async function promoteToAdmin(db: Db, phone: string, via = "cli"): Promise<{ user: AuthUser; created: boolean; changed: boolean }> {
  const existing = await db.user.findUnique({ where: { phone }, select: { id: true, role: true } });
  const user = await db.user.upsert({
    where: { phone },
    create: { phone, role: "ADMIN" },
    update: { role: "ADMIN" },
    select: { id: true, phone: true, role: true, lastLoginAt: true },
  });
  const changed = existing?.role !== "ADMIN";
  if (changed) {
    await recordAuthEvent(db, {
      type: "role_change",
      userId: user.id,
      phone,
      data: { from: existing?.role ?? null, to: "ADMIN", via },
    });
  }
  return { user, created: !existing, changed };
}

export async function findUserById(db: Db, id: string): Promise<AuthUser | null> {
  return db.user.findUnique({ where: { id }, select: { id: true, phone: true, role: true, lastLoginAt: true } });
}

/** When the user signed in before the current session, from the audit trail (null on a first login). */
export async function previousSignInAt(db: Db, userId: string): Promise<Date | null> {
  const events = await db.auditEvent.findMany({
    where: { userId, type: "sign_in" },
    orderBy: { createdAt: "desc" },
    take: 2,
    select: { createdAt: true },
  });
  return events[1]?.createdAt ?? null;
}
