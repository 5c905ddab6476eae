// Next 16's middleware file. First line of defence only: pages and API routes check again on the server.
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
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

// Only the protected pages: the OTP and seed APIs, assets and /_next never pay for a JWT decode.
export const config = {
  matcher: ["/account/:path*", "/admin/:path*"],
};
