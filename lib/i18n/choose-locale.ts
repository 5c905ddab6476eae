/**
 * Which language a request gets, in this order: the explicit choice (the `locale` cookie set by the
 * language switcher), then the browser's Accept-Language, then DEFAULT_LOCALE — only ever one of
 * the offered LOCALES. Pure (no Next, no env), so the order is unit-tested and shared by the page
 * config (i18n/request.ts) and the form routes.
 */
import { negotiateLocale } from "./negotiate";
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

export function chooseLocale({ cookie, acceptLanguage, offered, fallback }: LocaleChoice): Locale {
  const explicit = cookie?.trim().toLowerCase();
  if (isShippedLocale(explicit) && offered.includes(explicit)) return explicit;
  if (acceptLanguage) {
    // sw-TZ → sw, fr-CA → fr, ar-EG → ar, q-values respected; nothing close → the fallback.
    const best = negotiateLocale(acceptLanguage.slice(0, 1024), offered, fallback);
    if (offered.includes(best)) return best;
  }
  return fallback;
}
