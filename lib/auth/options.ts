/**
 * next-auth configuration: one Credentials provider ("phone-otp") backed by the same OTP domain
 * functions as the HTTP API, JWT sessions naming a server-side AuthSession (lib/auth/session-token.ts:
 * checked on every request, ended at sign-out), a redirect callback that cannot throw, and
 * sign-in/out audit events.
 */
import "server-only";
import type { AuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { z } from "zod";
import { AppError } from "@/lib/api/errors";
import { clientIp } from "@/lib/api/handler";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { getOtpContext } from "@/lib/otp/context";
import { consumeLoginToken, verifyOtp } from "@/lib/otp/service";
import { DEFAULT_AFTER_LOGIN, safeCallbackUrl } from "./callback-url";
import { checkSessionToken, createSessionToken, recordSignOut, recordVerifiedLogin, SESSION_MAX_AGE_SECONDS, SESSION_UPDATE_AGE_SECONDS, SessionEndedError } from "./session-token";
import { type RequestMeta, type UserRole } from "./users";

declare module "next-auth" {
  interface User {
    id: string;
    phone: string;
    role: UserRole;
  }
  interface Session {
    user: { id: string; phone: string; role: UserRole };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    phone?: string;
    role?: UserRole;
    /** The AuthSession row this token belongs to. */
    sid?: string;
  }
}

export const LOGIN_PURPOSE = "Login";

// Either the code itself, or the single-use token /api/otp/verify handed out after a correct code.
const credentialsSchema = z.union([
  z.object({ loginToken: z.string().trim().min(1).max(512) }),
  z.object({ phone: z.string().trim().min(1).max(64), code: z.string().trim().min(1).max(16) }),
]);

function requestMeta(rawHeaders: Record<string, string | string[] | undefined> | undefined): RequestMeta {
  const h = new Headers();
  for (const [key, value] of Object.entries(rawHeaders ?? {})) {
    if (typeof value === "string") h.set(key, value);
  }
  return { ip: clientIp(new Request("http://localhost/", { headers: h })), userAgent: h.get("user-agent")?.slice(0, 300) ?? null };
}

/**
 * Verifies the credentials and records the login. Errors leave as `Error(code)` with an AppError code
 * (invalid_code, expired, …): next-auth hands that string to the client as `signIn().error`.
 */
async function authorize(credentials: Record<string, string> | undefined, meta: RequestMeta): Promise<User> {
  const parsed = credentialsSchema.safeParse(credentials ?? {});
  if (!parsed.success) throw new Error("validation_error");
  try {
    const ctx = await getOtpContext();
    const { phone, verificationId } =
      "loginToken" in parsed.data
        ? await consumeLoginToken(ctx, { token: parsed.data.loginToken, purpose: LOGIN_PURPOSE })
        : await verifyOtp(ctx, { ...parsed.data, purpose: LOGIN_PURPOSE, ip: meta.ip ?? undefined, userAgent: meta.userAgent ?? undefined });
    const user = await recordVerifiedLogin({ phone, verificationId, ...meta });
    return { id: user.id, phone: user.phone, role: user.role };
  } catch (error) {
    if (error instanceof AppError) throw new Error(error.code);
    log.error("sign-in failed", { error: error instanceof Error ? error.name : typeof error });
    throw new Error("internal_error");
  }
}

export const authOptions: AuthOptions = {
  // A getter: env() is read per request, never at import time (next build has no secrets).
  get secret() {
    return env().NEXTAUTH_SECRET;
  },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: SESSION_UPDATE_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      id: "phone-otp",
      name: "Phone one-time code",
      credentials: {
        phone: { label: "Phone", type: "tel" },
        code: { label: "Code", type: "text" },
        loginToken: { label: "Login token", type: "text" },
      },
      authorize: (credentials, req) => authorize(credentials, requestMeta(req?.headers)),
    }),
  ],
  callbacks: {
    // Sign-in: a new server-side session. Every later read: that session must still be live, and the
    // role is the database's (a throw here makes next-auth drop the cookie and answer "no session").
    async jwt({ token, user }) {
      const db = await getDb();
      if (user) return { ...token, ...(await createSessionToken(db, user)) };
      return checkSessionToken(db, token);
    },
    // next-auth calls this with the callbackUrl from the query or its callback-url cookie, which
    // anyone can set; its default throws on a malformed URL (a 500 on every auth route).
    redirect({ url, baseUrl }) {
      try {
        return `${baseUrl}${safeCallbackUrl(url, baseUrl) ?? DEFAULT_AFTER_LOGIN}`;
      } catch {
        return `${baseUrl}${DEFAULT_AFTER_LOGIN}`;
      }
    },
    session({ session, token }) {
      session.user = { id: token.sub ?? "", phone: token.phone ?? "", role: token.role ?? "USER" };
      return session;
    },
  },
  logger: {
    error(code, metadata) {
      const error = (metadata as { error?: unknown } | undefined)?.error ?? metadata;
      // An ended session is a normal outcome, not a server error.
      if (error instanceof SessionEndedError) return log.info("session refused", { reason: error.reason });
      log.error("next-auth error", { code, error: error instanceof Error ? error.name : typeof error });
    },
    warn(code) {
      log.warn("next-auth warning", { code });
    },
    debug() {},
  },
  events: {
    async signOut({ token }) {
      let meta: RequestMeta = {};
      try {
        // The sign-out route runs inside a request, so its headers are in scope here.
        meta = requestMeta(Object.fromEntries(await headers()));
      } catch {
        // outside a request (not expected): record the event without ip/user agent
      }
      // Ends the server-side session (a copy of this cookie is refused from now on) and audits it.
      await recordSignOut(token, meta);
    },
  },
};
