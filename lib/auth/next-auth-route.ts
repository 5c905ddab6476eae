/**
 * next-auth's route handler behind the API's own guards. next-auth reads a POST body whole and
 * answers 500 to a callbackUrl (query or `next-auth.callback-url` cookie, which a sibling subdomain
 * can set) that `new URL()` cannot parse, before any callback of ours runs. So: the body is read
 * with the API's 16 KB streaming limit (413 in the error shape), an unsafe callbackUrl is dropped
 * from the query and the cookie (only same-origin paths survive, see callback-url.ts), and anything
 * that still throws becomes the API's generic error, never a stack trace.
 */
import "server-only";
import NextAuth from "next-auth";
import { cookies } from "next/headers";
import { NextRequest } from "next/server";
import { errorResponse, readLimited } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { safeCallbackUrl } from "./callback-url";
import { authOptions } from "./options";

const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

type RouteContext = { params: Promise<{ nextauth: string[] }> };

const nextAuth = NextAuth(authOptions) as (req: NextRequest, ctx: RouteContext) => Promise<Response>;

/** The origin next-auth builds its URLs on. */
function appOrigin(req: Request): string {
  const configured = env().NEXTAUTH_URL;
  return configured ? new URL(configured).origin : new URL(req.url).origin;
}

export async function authRoute(req: NextRequest, ctx: RouteContext): Promise<Response> {
  const url = new URL(req.url);
  try {
    const origin = appOrigin(req);
    const callbackUrl = url.searchParams.get("callbackUrl");
    if (callbackUrl !== null) {
      const safe = safeCallbackUrl(callbackUrl, origin);
      if (safe) url.searchParams.set("callbackUrl", `${origin}${safe}`);
      else url.searchParams.delete("callbackUrl");
    }
    // next-auth reads cookies through next/headers; in a route handler a change made here is what it
    // sees, and the response replaces the browser's bad cookie.
    const store = await cookies();
    for (const name of CALLBACK_COOKIES) {
      const value = store.get(name)?.value;
      if (value && !safeCallbackUrl(value, origin)) store.delete(name);
    }
    const headers = new Headers(req.headers);
    headers.delete("content-length");
    const body = req.method === "POST" ? await readLimited(req) : undefined;
    return await nextAuth(new NextRequest(url, { method: req.method, headers, body }), ctx);
  } catch (error) {
    return errorResponse(error, url.pathname);
  }
}
