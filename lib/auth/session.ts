/**
 * Who is asking. API routes use requireUser()/requireAdmin() (they throw AppError 401/403, which
 * withApi renders); server components use requireUserPage()/requireAdminPage() (redirect to
 * /login?callbackUrl=… when signed out, 403 when not an admin). The admin checks read the role from
 * the database, not only from the JWT, so `admin:add` takes effect without a new login and a
 * demotion takes effect at once. They return the AdminActor every lib/admin function requires:
 * each admin page and route calls one of them itself, before it reads anything.
 */
import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { cache } from "react";
import { forbidden, redirect } from "next/navigation";
import { adminActorFor, type AdminActor, type AdminCheck } from "@/lib/admin/actor";
import { AppError } from "@/lib/api/errors";
import { getDb } from "@/lib/db";
import { authOptions } from "./options";
import type { UserRole } from "./users";

export type SessionUser = { id: string; phone: string; role: UserRole };

/** Header set by proxy.ts with the requested path, so pages and layouts can build the callbackUrl. */
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

/** For API routes: an ADMIN, or AppError 401 (signed out) / 403 (signed in, not an admin). */
export async function requireAdmin(): Promise<AdminActor> {
  const session = await requireUser();
  const check = await adminActorFor(await getDb(), session.id);
  if (!check.ok && check.reason === "no_user") throw new AppError("unauthorized", "Sign in to continue.");
  if (!check.ok) throw new AppError("forbidden", "You do not have access to this page.");
  return check.actor;
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

/**
 * For admin pages and the admin layout, called before anything is read: a signed-out visitor is
 * redirected to the login page, a signed-in non-admin gets the 403 page (forbidden()), an admin
 * gets the AdminActor the lib/admin functions require.
 */
export async function requireAdminPage(fallbackPath = "/admin"): Promise<AdminActor> {
  const check = await adminCheckForRender();
  if (!check.ok && check.reason !== "not_admin") redirect(loginUrl(await requestedPath(fallbackPath)));
  if (!check.ok) forbidden(); // renders app/forbidden.tsx with status 403
  return check.actor;
}

// Once per render: the layout and the page both call requireAdminPage() and share one lookup.
const adminCheckForRender = cache(async (): Promise<AdminCheck | { ok: false; reason: "signed_out" }> => {
  const session = await getSessionUser();
  if (!session) return { ok: false, reason: "signed_out" };
  return adminActorFor(await getDb(), session.id);
});
