// Next 16's middleware file. First line of defence only: pages and API routes check again on the server.
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  // Next answers a path it cannot percent-decode (/api/%ff) with a bare 500; this is the only place
  // that runs before its route matching. The matcher sends only API paths with a '%' here.
  if (!isDecodable(pathname)) return badPath();
  if (pathname.startsWith("/api/")) return NextResponse.next();
  const token = await getToken({ req, secret: env().NEXTAUTH_SECRET });
  if (!token) {
    const login = new URL("/login", req.url);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(login);
  }
  // Lets server layouts (which do not see the URL) send a signed-out visitor back here after login.
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-pathname", `${pathname}${search}`);
  return NextResponse.next({ request: { headers: requestHeaders } });
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

// Only the protected pages, and API paths containing '%' (checked for malformed encoding, nothing
// else): the OTP and seed APIs, assets and /_next never pay for a JWT decode.
export const config = {
  matcher: ["/account/:path*", "/admin/:path*", "/api/(.*%.*)"],
};
