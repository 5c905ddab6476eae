/**
 * The users list and role changes. A role change and its audit record are written in one
 * transaction: there is never a promotion without its "role_change" event.
 */
import "server-only";
import { AppError } from "../api/errors";
import type { Db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { endUserSessions } from "../auth/session-token";
import { assertAdminActor, type AdminActor } from "./actor";
import { afterCursor, decodeCursor, encodeCursor } from "./cursor";
import { env } from "../env";
import { phoneSearchFragment } from "./phone-search";
import { MAX_PAGE_SIZE, type UserListQuery } from "./schemas";

const USER_SELECT = { id: true, phone: true, role: true, createdAt: true, lastLoginAt: true } satisfies Prisma.UserSelect;

export type AdminUser = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

/** A fragment anywhere in the number; one with a trunk 0 ("0712") also as its international form. */
function phoneContains(fragment: string): Prisma.UserWhereInput {
  const international = phoneSearchFragment(fragment, env().PHONE_DEFAULT_COUNTRY);
  return international === fragment ? { phone: { contains: fragment } } : { OR: [{ phone: { contains: fragment } }, { phone: { contains: international } }] };
}

/** Users, newest first, keyset-paginated on (createdAt desc, id desc). */
export async function listUsers(actor: AdminActor, db: Db, q: Partial<UserListQuery> = {}): Promise<{ items: AdminUser[]; nextCursor: string | null }> {
  assertAdminActor(actor);
  const limit = Math.min(Math.max(1, q.limit ?? 50), MAX_PAGE_SIZE);
  const cursor = decodeCursor(q.cursor);
  const where: Prisma.UserWhereInput = {
    AND: [
      q.role ? { role: q.role } : {},
      q.phone ? phoneContains(q.phone) : {},
      afterCursor(cursor),
    ],
  };
  const rows = await db.user.findMany({ where, select: USER_SELECT, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit + 1 });
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  return { items, nextCursor: hasMore ? encodeCursor(items[items.length - 1]) : null };
}

/**
 * Promotes or demotes a user and records AuditEvent "role_change" with the acting admin.
 * An admin cannot demote themselves (that is how the last admin locks everyone out).
 */
export async function setUserRole(
  actor: AdminActor,
  db: Db,
  input: { userId: string; role: "USER" | "ADMIN"; ip?: string | null; userAgent?: string | null },
): Promise<AdminUser> {
  assertAdminActor(actor);
  if (actor.id === input.userId && input.role !== "ADMIN") {
    throw new AppError("forbidden", "You cannot remove your own admin role.");
  }
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: input.userId }, select: USER_SELECT });
    if (!before) throw new AppError("not_found", "No user with this id.");
    if (before.role === input.role) return before;
    const after = await tx.user.update({ where: { id: input.userId }, data: { role: input.role }, select: USER_SELECT });
    await tx.auditEvent.create({
      data: {
        type: "role_change",
        userId: before.id,
        actorId: actor.id,
        phone: before.phone,
        ip: input.ip ?? null,
        userAgent: input.userAgent ?? null,
        data: { from: before.role, to: after.role },
      },
    });
    return after;
  });
}

/**
 * "Sign out everywhere": ends every live session of a user (each browser's next request finds its
 * session ended) and records AuditEvent "sessions_ended" with the acting admin, in one transaction.
 */
export async function signOutEverywhere(
  actor: AdminActor,
  db: Db,
  input: { userId: string; ip?: string | null; userAgent?: string | null },
): Promise<{ ended: number }> {
  assertAdminActor(actor);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true, phone: true } });
    if (!user) throw new AppError("not_found", "No user with this id.");
    const ended = await endUserSessions(tx, user.id);
    await tx.auditEvent.create({
      data: { type: "sessions_ended", userId: user.id, actorId: actor.id, phone: user.phone, ip: input.ip ?? null, userAgent: input.userAgent ?? null, data: { ended } },
    });
    return { ended };
  });
}
