/**
 * next-auth configuration: one Credentials provider ("phone-otp") backed by the same OTP domain
 * functions as the HTTP API, JWT sessions carrying { id, phone, role }, and sign-in/out audit events.
 */
import "server-only";
import type { AuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { z } from "zod";
import { AppError } from "@/lib/api/errors";
import { clientIp } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { getOtpContext } from "@/lib/otp/context";
import { consumeLoginToken, verifyOtp } from "@/lib/otp/service";
import { recordSignOut, recordVerifiedLogin, sessionClaims, SESSION_MAX_AGE_SECONDS } from "./session-token";
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
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: 24 * 60 * 60 },
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
    jwt({ token, user }) {
      return user ? sessionClaims(token, user) : token;
    },
    session({ session, token }) {
      session.user = { id: token.sub ?? "", phone: token.phone ?? "", role: token.role ?? "USER" };
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      if (!token?.sub) return;
      let meta: RequestMeta = {};
      try {
        // The sign-out route runs inside a request, so its headers are in scope here.
        meta = requestMeta(Object.fromEntries(await headers()));
      } catch {
        // outside a request (not expected): record the event without ip/user agent
      }
      await recordSignOut(token, meta);
    },
  },
};
