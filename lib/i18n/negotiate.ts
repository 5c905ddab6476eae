import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";

/**
 * The best of `locales` for an Accept-Language header, or `defaultLocale`. Negotiator reads the
 * header (q-values, wildcards, order); the locale matcher (the one next-intl uses) maps regional and
 * script variants onto what we ship ("sw-TZ" → sw, "fr-CA;q=0.8" → fr).
 */
export function negotiateLocale<L extends string>(acceptLanguage: string | null | undefined, locales: readonly L[], defaultLocale: L): L {
  if (!acceptLanguage) return defaultLocale;
  const requested = new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages().filter((tag) => tag !== "*" && isWellFormed(tag));
  if (!requested.length) return defaultLocale;
  try {
    return match(requested, locales, defaultLocale) as L;
  } catch {
    // A tag Intl.Locale rejects must not turn into a 500: the header is the client's.
    return defaultLocale;
  }
}

function isWellFormed(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}
