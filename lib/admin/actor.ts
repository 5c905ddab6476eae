/**
 * The admin data-access layer's key: every function in lib/admin that reads or changes admin data
 * takes an AdminActor and checks it with assertAdminActor() before its first query. An AdminActor
 * can only be made by adminActorFor(), which reads the user's role from the database at that
 * moment (requireAdmin() and requireAdminPage() in lib/auth/session.ts call it). An object that
 * merely looks like one is refused, so a page that forgets the check cannot render admin data:
 * the data function itself refuses.
 */
import "server-only";
import { AppError } from "../api/errors";
import type { Db } from "../db";

declare const adminActorBrand: unique symbol;

export type AdminActor = Readonly<{ id: string; phone: string; role: "ADMIN" }> & { readonly [adminActorBrand]: true };

export type AdminCheck = { ok: true; actor: AdminActor } | { ok: false; reason: "no_user" | "not_admin" };

// On globalThis, not in module scope: a bundler may load this module more than once per process,
// and an actor minted by one copy must be recognised by the other.
const globalForActors = globalThis as { __adminActors?: WeakSet<object> };
const minted = (globalForActors.__adminActors ??= new WeakSet<object>());

/** The one way to obtain an AdminActor: the user as the database knows them now, if ADMIN. */
export async function adminActorFor(db: Db, userId: string): Promise<AdminCheck> {
  const user = userId ? await db.user.findUnique({ where: { id: userId }, select: { id: true, phone: true, role: true } }) : null;
  if (!user) return { ok: false, reason: "no_user" };
  if (user.role !== "ADMIN") return { ok: false, reason: "not_admin" };
  const actor = Object.freeze({ id: user.id, phone: user.phone, role: "ADMIN" as const }) as AdminActor;
  minted.add(actor);
  return { ok: true, actor };
}

/** Throws AppError("forbidden") unless `actor` came from adminActorFor(). */
export function assertAdminActor(actor: unknown): asserts actor is AdminActor {
  if (typeof actor !== "object" || actor === null || !minted.has(actor)) {
    throw new AppError("forbidden", "You do not have access to this page.");
  }
}
