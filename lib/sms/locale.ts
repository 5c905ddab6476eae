/**
 * Which language an SMS is written in: the `locale` the caller asked for, else the language of the
 * number's country (SMS_LOCALE_BY_COUNTRY over the shipped defaults below), else DEFAULT_LOCALE —
 * always one of LOCALES. No "server-only": lib/env.ts validates the variables with these parsers.
 */
import { isShippedLocale, SHIPPED_LOCALES, type Locale } from "../i18n/locales";

/**
 * The shipped country defaults: where the language is the one most people read. Countries with
 * several official languages and no clear majority among ours (BE, CH, CA, LU, RW) are left to
 * DEFAULT_LOCALE; an operator maps them with SMS_LOCALE_BY_COUNTRY.
 */
const SW = ["TZ", "KE", "UG"];
const FR = [
  ...["FR", "MC", "SN", "CI", "ML", "BF", "NE", "TG", "BJ", "GN", "GA", "CG", "CD", "CM", "CF", "TD", "DJ", "KM", "MG", "BI", "HT"],
  // French overseas departments and territories have their own country codes.
  ...["RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF", "NC", "PF", "WF"],
];
const AR = ["EG", "MA", "DZ", "TN", "LY", "SD", "MR", "SA", "AE", "QA", "BH", "KW", "OM", "YE", "JO", "LB", "SY", "IQ", "PS", "EH"];

export const SHIPPED_SMS_LOCALE_BY_COUNTRY: ReadonlyMap<string, Locale> = new Map([
  ...SW.map((c) => [c, "sw"] as const),
  ...FR.map((c) => [c, "fr"] as const),
  ...AR.map((c) => [c, "ar"] as const),
]);

/** "TZ:sw, CD:sw" → Map (country → locale). Bad entries are configuration errors. */
export function parseSmsLocaleByCountry(value: string | undefined): Map<string, Locale> {
  const map = new Map<string, Locale>();
  for (const entry of (value ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]{2})\s*:\s*([A-Za-z]{2,3})$/.exec(entry);
    const locale = m?.[2].toLowerCase();
    if (!m || !isShippedLocale(locale)) {
      throw new Error(`SMS_LOCALE_BY_COUNTRY: '${entry}' must look like TZ:sw (country code, then one of ${SHIPPED_LOCALES.join(", ")})`);
    }
    map.set(m[1].toUpperCase(), locale);
  }
  return map;
}

export type SmsLocaleConfig = { locales: readonly Locale[]; defaultLocale: Locale; byCountry: ReadonlyMap<string, Locale> };

/** The shipped defaults overridden by SMS_LOCALE_BY_COUNTRY, keeping only locales in LOCALES. */
export function smsLocaleConfig(input: { LOCALES: string[]; DEFAULT_LOCALE: string; SMS_LOCALE_BY_COUNTRY?: string }): SmsLocaleConfig {
  const locales = input.LOCALES.filter(isShippedLocale);
  const merged = new Map([...SHIPPED_SMS_LOCALE_BY_COUNTRY, ...parseSmsLocaleByCountry(input.SMS_LOCALE_BY_COUNTRY)]);
  const byCountry = new Map([...merged].filter(([, locale]) => locales.includes(locale)));
  return { locales, defaultLocale: input.DEFAULT_LOCALE as Locale, byCountry };
}

/**
 * Reads a requested locale: a LOCALES code in any case, or a language tag whose language is one
 * ("fr-CA" → fr, "sw_TZ" → sw). Returns undefined for anything else (the caller answers 400).
 */
export function matchRequestedLocale(config: Pick<SmsLocaleConfig, "locales">, requested: string): Locale | undefined {
  const language = requested.trim().toLowerCase().split(/[-_]/)[0];
  return config.locales.find((locale) => locale === language);
}

/** The SMS locale for a number's country when the caller named none. */
export function smsLocaleForCountry(config: SmsLocaleConfig, country: string | undefined): Locale {
  return (country && config.byCountry.get(country)) || config.defaultLocale;
}

/**
 * SMS_TEMPLATE_<SUFFIX>: a locale (SMS_TEMPLATE_SW), a purpose and a locale (SMS_TEMPLATE_LOGIN_SW)
 * or a purpose (SMS_TEMPLATE_LOGIN). The key is "<purpose>:<locale>" in lower case, "*" for "any".
 */
export function smsTemplateKey(suffix: string): string {
  const lower = suffix.toLowerCase();
  if (isShippedLocale(lower)) return `*:${lower}`;
  const m = /^(.+)_([a-z]{2})$/.exec(lower);
  if (m && isShippedLocale(m[2])) return `${m[1]}:${m[2]}`;
  return `${lower}:*`;
}
