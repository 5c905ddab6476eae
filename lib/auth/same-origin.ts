/**
 * Is this request from one of our own pages? Browsers send `Origin` on every POST (and
 * `Sec-Fetch-Site`); a cross-site form or script cannot forge either. Guards everything that sets or
 * clears a session cookie, so another site cannot log a visitor in or out (login CSRF).
 */
import "server-only";
import { env } from "@/lib/env";

export function isSameOriginRequest(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (origin) {
    const allowed = new Set([new URL(req.url).origin]);
    const publicUrl = env().NEXTAUTH_URL;
    if (publicUrl) allowed.add(new URL(publicUrl).origin);
    const host = req.headers.get("host");
    if (host) allowed.add(`${new URL(req.url).protocol}//${host}`);
    return allowed.has(origin);
  }
  return req.headers.get("sec-fetch-site") === "same-origin";
}
