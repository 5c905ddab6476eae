/**
 * The reader's time zone, remembered in a cookie so the server can render times in it. The login
 * form (with JavaScript) sets it as it signs in: /account then needs no client code to show local
 * times, so the navigation after the code loads no script chunk (issue 14, code → /account).
 * Without the cookie, pages fall back to <LocalTime>, which corrects UTC once JavaScript runs.
 */
export const TIME_ZONE_COOKIE = "tz";

/** An IANA zone name this runtime knows ("Africa/Dar_es_Salaam"), else null. Never throws. */
export function knownTimeZone(value: string | undefined | null): string | null {
  if (!value || value.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(value)) return null;
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The cookie the browser keeps for a year (not personal: a zone name, never sent elsewhere). */
export function timeZoneCookie(timeZone: string): string {
  return `${TIME_ZONE_COOKIE}=${encodeURIComponent(timeZone)}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
