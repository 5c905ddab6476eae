/**
 * Is this request from one of our own pages? Browsers send `Origin` on every POST (and
 * `Sec-Fetch-Site`); a cross-site form or script cannot forge either. Guards everything that sets or
 * clears a session cookie, so another site cannot log a visitor in or out (login CSRF).
 *
 * The same origins as the API's cross-site guard (lib/api/request-guard.ts: ALLOWED_ORIGINS, else
 * NEXTAUTH_URL's origin), but stricter: a request that names no origin at all (a server, curl) is
 * refused here, where the API's guard lets it pass.
 */
import "server-only";
import { allowedOrigins } from "@/lib/api/request-guard";

export function isSameOriginRequest(req: Request): boolean {
  const origin = req.headers.get("origin")?.trim();
  if (origin) return allowedOrigins(req).includes(origin.toLowerCase());
  return req.headers.get("sec-fetch-site")?.trim().toLowerCase() === "same-origin";
}
