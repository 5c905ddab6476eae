/**
 * The language switcher's post: which locale, and where to go back to. Pure, so it is unit-tested.
 * The way back is a same-origin path only (the switcher is on every page; an open redirect would
 * turn it into a phishing tool): the callback-URL rules, plus /login itself, which is where most
 * people change language.
 */
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { isShippedLocale, type Locale } from "./locales";

export function safeReturnPath(value: string | null | undefined): string {
  if (!value) return "/";
  const loginPath = /^\/login(?:[?#]|$)/.test(value) ? safeCallbackUrl(value.replace(/^\/login/, "/x")) : null;
  if (loginPath) return loginPath.replace(/^\/x/, "/login");
  return safeCallbackUrl(value) ?? "/";
}

/** The chosen locale when it is one of `offered`, else null (the route answers 400). */
export function switchLocale(value: string | null | undefined, offered: readonly Locale[]): Locale | null {
  const code = value?.trim().toLowerCase();
  return isShippedLocale(code) && offered.includes(code) ? code : null;
}
