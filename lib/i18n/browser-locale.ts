import Negotiator from "negotiator";
import { dateLocale, FALLBACK_DATE_LOCALE } from "@/lib/reader-time";

/**
 * The reader's own language for dates, from Accept-Language: the most preferred tag Intl formats
 * dates in ("fr-FR,fr;q=0.9" → "fr-FR") — any language, not only the product's LOCALES (the admin
 * dashboard stays English but shows dates the browser's way). The server's guess at
 * navigator.language, which browsers send first in the header.
 */
export function acceptedDateLocale(acceptLanguage: string | null | undefined): string {
  if (!acceptLanguage) return FALLBACK_DATE_LOCALE;
  const requested = new Negotiator({ headers: { "accept-language": acceptLanguage.slice(0, 1000) } }).languages();
  for (const tag of requested) {
    const locale = tag === "*" ? null : dateLocale(tag);
    if (locale) return locale;
  }
  return FALLBACK_DATE_LOCALE;
}
