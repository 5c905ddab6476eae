import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { readSessionToken, recordSignOut, sessionCookieName } from "@/lib/auth/session-token";
import { env } from "@/lib/env";
import { readForm } from "@/lib/login/form-request";

export const dynamic = "force-dynamic";

// POST /logout – the sign-out form (no JavaScript, no csrf dance): clears the session cookie and
// answers 303 to /login?signedOut=1. Same-origin only, so another site cannot sign a visitor out.
export const POST = withApi(async ({ req, ip, userAgent }) => {
  const form = await readForm(req);
  // Only back to the login page (with its own query): never an open redirect.
  const next = form.get("next");
  const target = next && /^\/login(\?[^#\\]*)?$/.test(next) ? next : "/login?signedOut=1";
  await recordSignOut(await readSessionToken(req), { ip, userAgent });
  const res = NextResponse.redirect(new URL(target, env().NEXTAUTH_URL ?? req.url), 303);
  res.cookies.set(sessionCookieName(), "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: sessionCookieName().startsWith("__Secure-") });
  return res;
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
