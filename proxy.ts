// Next 16's middleware file: a fresh CSP nonce on every page response, the first line of defence for
// /account and /admin (pages and API routes check again on the server), and a 400 for API paths Next
// cannot percent-decode.
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { challengeWidget } from "@/lib/otp/config";
import { challengeOrigins, createNonce, pageContentSecurityPolicy } from "@/lib/security/csp";

const PROTECTED = /^\/(account|admin)(\/|$)/;

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  // Next answers a path it cannot percent-decode (/api/%ff) with a bare 500; this is the only place
  // that runs before its route matching. The matcher sends only API paths with a '%' here.
  if (!isDecodable(pathname)) return badPath();
  if (pathname.startsWith("/api/")) return NextResponse.next();
  if (PROTECTED.test(pathname) && !(await getToken({ req, secret: env().NEXTAUTH_SECRET }))) {
    const login = new URL("/login", req.url);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    // A form post is not re-sent to the login page (307 would repeat the POST there): 303, a plain GET.
    return NextResponse.redirect(login, req.method === "GET" || req.method === "HEAD" ? 307 : 303);
  }
  const policy = pageContentSecurityPolicy(createNonce(), { isDevelopment: env().NODE_ENV === "development", challengeOrigins: challengeOrigins(challengeWidget(env())) });
  const requestHeaders = new Headers(req.headers);
  // Next reads the nonce from the request's policy header and stamps it on every script it renders.
  requestHeaders.set("Content-Security-Policy", policy);
  // Lets server layouts (which do not see the URL) send a signed-out visitor back here after login.
  requestHeaders.set("x-pathname", `${pathname}${search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

function isDecodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function badPath() {
  const body = { error: { code: "validation_error", message: "The path is not valid percent-encoded UTF-8." } };
  return NextResponse.json(body, { status: 400, headers: { "Cache-Control": "no-store" } });
}

// Every page, and API paths containing '%' (checked for malformed encoding, nothing else): the OTP
// and seed APIs (their own deny-all policy in next.config.js), build assets and the icon never pay
// for a nonce or a JWT decode.
export const config = {
  matcher: ["/((?!api|_next/static|_next/image|favicon.ico|icon.svg).*)", "/api/(.*%.*)"],
};
