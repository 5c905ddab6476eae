// Next 16's middleware file, for pages only: a fresh CSP nonce on every page response, and the
// first line of defence for /account and /admin (pages and API routes check again on the server).
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { createNonce, pageContentSecurityPolicy } from "@/lib/security/csp";

const PROTECTED = /^\/(account|admin)(\/|$)/;

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  if (PROTECTED.test(pathname) && !(await getToken({ req, secret: env().NEXTAUTH_SECRET }))) {
    const login = new URL("/login", req.url);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(login);
  }
  const policy = pageContentSecurityPolicy(createNonce(), { isDevelopment: env().NODE_ENV === "development" });
  const requestHeaders = new Headers(req.headers);
  // Next reads the nonce from the request's policy header and stamps it on every script it renders.
  requestHeaders.set("Content-Security-Policy", policy);
  // Lets server layouts (which do not see the URL) send a signed-out visitor back here after login.
  requestHeaders.set("x-pathname", `${pathname}${search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

// Every page, nothing else: the API (its own deny-all policy in next.config.js), build assets and
// the icon never pay for a nonce or a JWT decode.
export const config = {
  matcher: ["/((?!api|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
