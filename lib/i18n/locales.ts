/**
 * The languages the product ships. Which of them an instance offers is LOCALES (env), and the
 * fallback is DEFAULT_LOCALE; both are validated in lib/env.ts against this list.
 */
export const SHIPPED_LOCALES = ["en", "sw", "fr", "ar"] as const;
export type Locale = (typeof SHIPPED_LOCALES)[number];

/** Right-to-left scripts among the shipped locales. */
const RTL_LOCALES: ReadonlySet<Locale> = new Set(["ar"]);

export function isShippedLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SHIPPED_LOCALES as readonly string[]).includes(value);
}

export function directionOf(locale: Locale): "ltr" | "rtl" {
  return RTL_LOCALES.has(locale) ? "rtl" : "ltr";
}

/** The cookie that stores an explicit choice from the language switcher. */
export const LOCALE_COOKIE = "locale";
