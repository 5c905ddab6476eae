/**
 * Which language a request gets, in this order: the explicit choice (the `locale` cookie set by the
 * language switcher), then the browser's Accept-Language, then DEFAULT_LOCALE — only ever one of
 * the offered LOCALES. Pure (no Next, no env), so the order is unit-tested and shared by the page
 * config (i18n/request.ts) and the form routes.
 */
import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";
import { isShippedLocale, type Locale } from "./locales";

export type LocaleChoice = {
  /** The `locale` cookie's value, if any (anything may be in it). */
  cookie?: string | null;
  /** The Accept-Language header, if any. */
  acceptLanguage?: string | null;
  /** LOCALES: the ones this instance offers. */
  offered: readonly Locale[];
  /** DEFAULT_LOCALE: one of `offered`. */
  fallback: Locale;
};

/** Accept-Language's ranges, best first (q-values respected, q=0 dropped, "*" left out). */
function requestedLanguages(acceptLanguage: string): string[] {
  const languages = new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages();
  return languages.filter((tag) => tag !== "*" && isWellFormed(tag));
}

function isWellFormed(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

export function chooseLocale({ cookie, acceptLanguage, offered, fallback }: LocaleChoice): Locale {
  const explicit = cookie?.trim().toLowerCase();
  if (isShippedLocale(explicit) && offered.includes(explicit)) return explicit;
  if (acceptLanguage) {
    const requested = requestedLanguages(acceptLanguage.slice(0, 1024));
    // "best fit" maps sw-TZ → sw, fr-CA → fr, ar-EG → ar; nothing close → the fallback.
    if (requested.length) {
      const best = match(requested, offered as string[], fallback, { algorithm: "best fit" });
      if (isShippedLocale(best) && offered.includes(best)) return best;
    }
  }
  return fallback;
}
