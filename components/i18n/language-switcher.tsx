import { headers } from "next/headers";
import { getLocale, getTranslations } from "next-intl/server";
import { offeredLocales } from "@/lib/i18n/request-locale";
import type { Locale } from "@/lib/i18n/locales";
import { LanguageSwitcherForm, type LanguageSwitcherProps } from "./language-switcher-form";

/** "Kiswahili", "Français", "العربية": each language named in itself, from Intl (no list to keep). */
function endonym(locale: Locale): string {
  const name = new Intl.DisplayNames([locale], { type: "language" }).of(locale) ?? locale;
  return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
}

/** The switcher's props for this request, or null when the instance offers one language only. */
export async function languageSwitcherProps(): Promise<LanguageSwitcherProps | null> {
  const { offered } = offeredLocales();
  if (offered.length < 2) return null;
  const [current, t, list] = await Promise.all([getLocale(), getTranslations("common"), headers()]);
  return {
    back: list.get("x-pathname") ?? "/",
    current,
    languages: offered.map((locale) => ({ locale, name: endonym(locale) })),
    label: t("language"),
    legend: t("languageChange"),
  };
}

/**
 * The language switcher of every end-user page: one submit button per offered language in a plain
 * form (POST /locale sets the cookie and 303s back here), so it works before JavaScript and ships
 * none. The page's path comes from proxy.ts's x-pathname header.
 */
export async function LanguageSwitcher() {
  const props = await languageSwitcherProps();
  return props && <LanguageSwitcherForm {...props} />;
}
