/**
 * Sessions that end. A session is a JWT (next-auth's encrypted cookie) carrying `sid`, the id of an
 * AuthSession row. createSessionToken() is the one place a session is made: next-auth's jwt callback
 * calls it at sign-in, and any other code that signs a user in (an API answering with the cookie)
 * must call it too, then encodeSessionCookie(). checkSessionToken() runs on every request that reads
 * the session (the jwt callback): a row that is ended, expired, missing or for another user ends the
 * session, and the role and phone come from the database, never from the token.
 */
import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { decode, encode, type JWT } from "next-auth/jwt";
import { getDb, type Db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { adminPhoneSet, recordAuthEvent, recordLogin, type AuthUser, type RequestMeta, type UserRole } from "./users";

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;
/** How often a used session's expiry moves forward (one write per session per day at most). */
export const SESSION_UPDATE_AGE_SECONDS = 24 * 60 * 60;

export type SessionCookie = {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean; maxAge: number };
};

export type SessionTokenPayload = { sub: string; phone: string; role: UserRole; sid: string };

/** The session is over (signed out, ended by an admin, expired, user deleted): sign in again. */
export class SessionEndedError extends Error {
  constructor(readonly reason: "no_sid" | "unknown" | "ended" | "expired" | "other_user") {
    super(`session ended: ${reason}`);
    this.name = "SessionEndedError";
  }
}

/** Starts a server-side session for `user` and returns the JWT payload that names it. */
export async function createSessionToken(
  db: Db,
  user: { id: string; phone: string; role: UserRole },
  now = new Date(),
): Promise<SessionTokenPayload> {
  const sid = randomBytes(24).toString("base64url");
  await db.authSession.create({
    data: { id: sid, userId: user.id, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) },
  });
  return { sub: user.id, phone: user.phone, role: user.role, sid };
}

/**
 * The token of a live session, with the user's phone and role as the database has them now.
 * Throws SessionEndedError otherwise. One indexed primary-key read per call; a write at most once a
 * day per session, to slide its expiry.
 */
export async function checkSessionToken(db: Db, token: JWT, now = new Date()): Promise<JWT> {
  const sid = typeof token.sid === "string" ? token.sid : "";
  if (!sid || sid.length > 100) throw new SessionEndedError("no_sid");
  const row = await db.authSession.findUnique({
    where: { id: sid },
    select: { userId: true, expiresAt: true, endedAt: true, user: { select: { phone: true, role: true } } },
  });
  if (!row) throw new SessionEndedError("unknown");
  if (row.endedAt) throw new SessionEndedError("ended");
  if (row.expiresAt.getTime() <= now.getTime()) throw new SessionEndedError("expired");
  if (row.userId !== token.sub) throw new SessionEndedError("other_user");
  const renewAt = row.expiresAt.getTime() - (SESSION_MAX_AGE_SECONDS - SESSION_UPDATE_AGE_SECONDS) * 1000;
  if (now.getTime() >= renewAt) {
    await db.authSession.updateMany({
      where: { id: sid, endedAt: null },
      data: { expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) },
    });
  }
  return { ...token, phone: row.user.phone, role: row.user.role };
}

/** Ends one session (sign-out). Idempotent. */
export async function endSession(db: Db, sid: string, now = new Date()): Promise<boolean> {
  if (!sid) return false;
  const { count } = await db.authSession.updateMany({ where: { id: sid, endedAt: null }, data: { endedAt: now } });
  return count > 0;
}

/** Ends every live session of a user ("sign out everywhere"); returns how many were live. */
export async function endUserSessions(db: Pick<Db, "authSession">, userId: string, now = new Date()): Promise<number> {
  const { count } = await db.authSession.updateMany({ where: { userId, endedAt: null, expiresAt: { gt: now } }, data: { endedAt: now } });
  return count;
}

/** next-auth's session cookie name: `__Secure-` prefixed when the app is served over HTTPS. */
export function sessionCookieName(): string {
  return env().NEXTAUTH_URL?.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

/**
 * The session cookie for a payload from createSessionToken(), exactly as next-auth sets it (same
 * name, encryption, lifetime and flags), for a response that signs the user in by itself.
 */
export async function encodeSessionCookie(payload: SessionTokenPayload): Promise<SessionCookie> {
  const value = await encode({ token: payload, secret: env().NEXTAUTH_SECRET, maxAge: SESSION_MAX_AGE_SECONDS });
  return {
    name: sessionCookieName(),
    value,
    options: { httpOnly: true, sameSite: "lax", path: "/", secure: !!env().NEXTAUTH_URL?.startsWith("https://"), maxAge: SESSION_MAX_AGE_SECONDS },
  };
}

/** Records a login proved by a verification and returns the user (what authorize() returns). */
export async function recordVerifiedLogin(input: { phone: string; verificationId?: string } & RequestMeta): Promise<AuthUser> {
  return recordLogin(await getDb(), { ...input, adminPhones: adminPhones() });
}

/**
 * Login, server-side session and cookie in one step: what a correct code turns into for a response
 * that signs the user in by itself (POST /api/otp/verify with "session": true, POST /login/verify).
 * The same rows as next-auth's path (recordLogin, then createSessionToken in the jwt callback) — the
 * user upserted and stamped, the verification linked to it, the sign_in AuditEvent, the AuthSession
 * row — written by one statement instead of four (issue 19: four round trips were most of the
 * login's cost). ON CONFLICT makes two first logins of one phone at once meet on one user.
 */
export async function startSession(input: { phone: string; verificationId?: string } & RequestMeta): Promise<{ user: AuthUser; cookie: SessionCookie }> {
  const db = await getDb();
  const now = new Date();
  const isAdmin = adminPhones().has(input.phone);
  const sid = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
  const [user] = await db.$queryRaw<AuthUser[]>`
    WITH u AS (
      INSERT INTO "User" AS x (id, phone, role, "createdAt", "lastLoginAt")
      VALUES (${randomUUID()}, ${input.phone}, ${isAdmin ? "ADMIN" : "USER"}::"Role", ${now}::timestamp, ${now}::timestamp)
      ON CONFLICT (phone) DO UPDATE SET "lastLoginAt" = EXCLUDED."lastLoginAt",
        role = CASE WHEN ${isAdmin} THEN 'ADMIN'::"Role" ELSE x.role END
      RETURNING x.id, x.phone, x.role::text AS role, x."lastLoginAt"
    ), linked AS (
      UPDATE "Verification" v SET "userId" = u.id FROM u
       WHERE v.id = ${input.verificationId ?? null} AND v."userId" IS NULL
    ), signed_in AS (
      INSERT INTO "AuditEvent" (id, type, "userId", phone, ip, "userAgent", "createdAt")
      SELECT ${randomUUID()}, 'sign_in', u.id, u.phone, ${input.ip?.slice(0, 64) ?? null}, ${input.userAgent?.slice(0, 300) ?? null}, ${now}::timestamp FROM u
    ), session AS (
      INSERT INTO "AuthSession" (id, "userId", "createdAt", "expiresAt")
      SELECT ${sid}, u.id, ${now}::timestamp, ${expiresAt}::timestamp FROM u
    )
    SELECT id, phone, role, "lastLoginAt" FROM u`;
  const cookie = await encodeSessionCookie({ sub: user.id, phone: user.phone, role: user.role, sid });
  return { user, cookie };
}

/** ADMIN_PHONES as E.164, parsed once per configuration (libphonenumber's metadata is not free per login). */
const adminPhonesCache: { config?: ReturnType<typeof env>; set?: ReadonlySet<string> } = {};
function adminPhones(): ReadonlySet<string> {
  const config = env();
  if (adminPhonesCache.config !== config || !adminPhonesCache.set) {
    adminPhonesCache.set = adminPhoneSet(config.ADMIN_PHONES, config.PHONE_DEFAULT_COUNTRY);
    adminPhonesCache.config = config;
  }
  return adminPhonesCache.set;
}

/** The token of a request's session cookie (null when absent, expired or forged); not checked against the database. */
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

/**
 * Sign-out, the same for next-auth's signOut event and POST /logout: ends the token's server-side
 * session (a copy of the cookie is refused from now on), then records the sign_out audit event.
 */
export async function recordSignOut(token: JWT | null, meta: RequestMeta): Promise<void> {
  if (!token?.sub) return;
  try {
    if (typeof token.sid === "string" && token.sid) await endSession(await getDb(), token.sid);
  } catch (error) {
    log.error("sign-out could not end the session", { error: error instanceof Error ? error.name : typeof error });
  }
  try {
    await recordAuthEvent(await getDb(), { type: "sign_out", userId: token.sub, phone: token.phone, ...meta });
  } catch (error) {
    log.error("sign-out audit failed", { error: error instanceof Error ? error.name : typeof error });
  }
}
