/**
 * Who is asking. API routes use requireUser()/requireAdmin() (they throw AppError 401/403, which
 * withApi renders); server components use requireUserPage()/getAdminPageAccess() (redirect to
 * /login?callbackUrl=… when signed out). The admin checks read the role from the database, not only
 * from the JWT, so `admin:add` takes effect without a new login and a demotion takes effect at once.
 */
import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AppError } from "@/lib/api/errors";
import { getDb } from "@/lib/db";
import { authOptions } from "./options";
import { findUserById, type UserRole } from "./users";

export type SessionUser = { id: string; phone: string; role: UserRole };

/** Header set by proxy.ts with the requested path, so layouts can build the callbackUrl. */
export const PATHNAME_HEADER = "x-pathname";

export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  const user = session?.user;
  if (!user?.id || !user.phone) return null;
  return { id: user.id, phone: user.phone, role: user.role === "ADMIN" ? "ADMIN" : "USER" };
}

/** For API routes: the signed-in user, or AppError("unauthorized") → 401. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw new AppError("unauthorized", "Sign in to continue.");
  return user;
}

/** The session's user as the database knows them now (null when the user was deleted). */
async function currentUser(session: SessionUser): Promise<SessionUser | null> {
  const row = await findUserById(await getDb(), session.id);
  return row ? { id: row.id, phone: row.phone, role: row.role } : null;
}

/** For API routes: an ADMIN, or AppError 401 (signed out) / 403 (signed in, not an admin). */
export async function requireAdmin(): Promise<SessionUser> {
  const session = await requireUser();
  const user = await currentUser(session);
  if (!user) throw new AppError("unauthorized", "Sign in to continue.");
  if (user.role !== "ADMIN") throw new AppError("forbidden", "You do not have access to this page.");
  return user;
}

/** `/login?callbackUrl=…` for a same-origin path. */
export function loginUrl(callbackPath: string): string {
  return `/login?${new URLSearchParams({ callbackUrl: callbackPath })}`;
}

async function requestedPath(fallback: string): Promise<string> {
  const path = (await headers()).get(PATHNAME_HEADER);
  return path && path.startsWith("/") && !path.startsWith("//") ? path : fallback;
}

/** For server components: the signed-in user, or a redirect to the login page and back. */
export async function requireUserPage(fallbackPath = "/account"): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(loginUrl(await requestedPath(fallbackPath)));
  return user;
}

export type AdminPageAccess = { allowed: true; user: SessionUser } | { allowed: false; user: SessionUser };

/**
 * For admin layouts and pages: redirects signed-out visitors to the login page; tells signed-in
 * ones whether they may see the page (render <Forbidden /> when not).
 */
export async function getAdminPageAccess(fallbackPath = "/admin"): Promise<AdminPageAccess> {
  const session = await requireUserPage(fallbackPath);
  const user = await currentUser(session);
  if (!user) redirect(loginUrl(await requestedPath(fallbackPath)));
  return user.role === "ADMIN" ? { allowed: true, user } : { allowed: false, user };
}
