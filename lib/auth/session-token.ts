/**
 * The one way a session comes to exist: record the login (user row, verification link, sign_in audit
 * event), then build the next-auth JWT exactly as next-auth does after authorize() and its jwt
 * callback, so getServerSession, /api/auth/session and proxy.ts accept it. Used by the credentials
 * provider (lib/auth/options.ts), POST /api/otp/verify with "session": true and the no-JS login form.
 */
import "server-only";
import { decode, encode, type JWT } from "next-auth/jwt";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { adminPhoneSet, recordAuthEvent, recordLogin, type AuthUser, type RequestMeta } from "./users";

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export type SessionCookie = {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean; maxAge: number };
};

/** next-auth's own rule: secure cookies (and the __Secure- prefix) when NEXTAUTH_URL is https. */
export function usesSecureCookies(): boolean {
  return env().NEXTAUTH_URL?.startsWith("https://") ?? false;
}

/** next-auth v4's session cookie name for this deployment. */
export function sessionCookieName(): string {
  return `${usesSecureCookies() ? "__Secure-" : ""}next-auth.session-token`;
}

/** The claims next-auth's jwt callback puts into the token at sign-in (see authOptions.callbacks.jwt). */
export function sessionClaims(token: JWT, user: { id: string; phone: string; role: AuthUser["role"] }): JWT {
  token.sub = user.id;
  token.phone = user.phone;
  token.role = user.role;
  return token;
}

/** Records a login proved by a verification and returns the user (what authorize() returns). */
export async function recordVerifiedLogin(input: { phone: string; verificationId?: string } & RequestMeta): Promise<AuthUser> {
  const config = env();
  return recordLogin(await getDb(), {
    ...input,
    adminPhones: adminPhoneSet(config.ADMIN_PHONES, config.PHONE_DEFAULT_COUNTRY),
  });
}

/** The session cookie for `user`: next-auth/jwt `encode` over the same claims, with next-auth's cookie options. */
export async function createSessionCookie(user: { id: string; phone: string; role: AuthUser["role"] }): Promise<SessionCookie> {
  // next-auth's default token at sign-in is { name, email, picture, sub }; a phone user has none of
  // the first three, and undefined values vanish in the JSON, so the claims are the jwt callback's alone.
  const token = sessionClaims({}, user);
  const value = await encode({ token, secret: env().NEXTAUTH_SECRET, maxAge: SESSION_MAX_AGE_SECONDS });
  return {
    name: sessionCookieName(),
    value,
    options: { httpOnly: true, sameSite: "lax", path: "/", secure: usesSecureCookies(), maxAge: SESSION_MAX_AGE_SECONDS },
  };
}

/** Login and cookie in one step: what a correct code turns into. */
export async function startSession(input: { phone: string; verificationId?: string } & RequestMeta): Promise<{ user: AuthUser; cookie: SessionCookie }> {
  const user = await recordVerifiedLogin(input);
  return { user, cookie: await createSessionCookie(user) };
}

/** The signed-in user of a request's session cookie (null when absent, expired or forged). */
export async function readSessionToken(req: Request): Promise<JWT | null> {
  const name = sessionCookieName();
  const raw = req.headers.get("cookie")?.split(/;\s*/).find((c) => c.startsWith(`${name}=`));
  if (!raw) return null;
  try {
    return await decode({ token: decodeURIComponent(raw.slice(name.length + 1)), secret: env().NEXTAUTH_SECRET });
  } catch {
    return null;
  }
}

/** The sign_out audit event, recorded the same way for next-auth's sign-out and POST /logout. */
export async function recordSignOut(token: JWT | null, meta: RequestMeta): Promise<void> {
  if (!token?.sub) return;
  try {
    await recordAuthEvent(await getDb(), { type: "sign_out", userId: token.sub, phone: token.phone, ...meta });
  } catch (error) {
    log.error("sign-out audit failed", { error: error instanceof Error ? error.name : typeof error });
  }
}
