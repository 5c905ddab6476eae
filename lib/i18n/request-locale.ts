/**
 * The locale of the current request, for pages (next/headers) and for route handlers (the Request):
 * the same chooseLocale order everywhere, among the instance's LOCALES.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { env } from "@/lib/env";
import { chooseLocale } from "./choose-locale";
import { isShippedLocale, LOCALE_COOKIE, type Locale } from "./locales";

export function offeredLocales(): { offered: Locale[]; fallback: Locale } {
  const config = env();
  const offered = config.LOCALES.filter(isShippedLocale);
  return { offered, fallback: isShippedLocale(config.DEFAULT_LOCALE) ? config.DEFAULT_LOCALE : "en" };
}

/** The page's locale (server components, i18n/request.ts). */
export async function currentLocale(): Promise<Locale> {
  const [jar, list] = await Promise.all([cookies(), headers()]);
  return chooseLocale({ cookie: jar.get(LOCALE_COOKIE)?.value, acceptLanguage: list.get("accept-language"), ...offeredLocales() });
}

/** A route handler's locale, from the request's cookie and Accept-Language headers. */
export function localeOfRequest(req: Request): Locale {
  const raw = req.headers.get("cookie")?.split(/;\s*/).find((c) => c.startsWith(`${LOCALE_COOKIE}=`));
  return chooseLocale({ cookie: raw?.slice(LOCALE_COOKIE.length + 1), acceptLanguage: req.headers.get("accept-language"), ...offeredLocales() });
}

/** A locale posted by a form (the login page's hidden field), when it is one this instance offers. */
export function offeredLocale(value: string | null | undefined): Locale | undefined {
  const code = value?.trim().toLowerCase();
  return isShippedLocale(code) && offeredLocales().offered.includes(code) ? code : undefined;
}
