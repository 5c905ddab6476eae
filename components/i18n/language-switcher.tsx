import { headers } from "next/headers";
import { getLocale, getTranslations } from "next-intl/server";
import { offeredLocales } from "@/lib/i18n/request-locale";
import type { Locale } from "@/lib/i18n/locales";

/** "Kiswahili", "Français", "العربية": each language named in itself, from Intl (no list to keep). */
function endonym(locale: Locale): string {
  const name = new Intl.DisplayNames([locale], { type: "language" }).of(locale) ?? locale;
  return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
}

/**
 * The language switcher of every end-user page: one submit button per offered language in a plain
 * form (POST /locale sets the cookie and 303s back here), so it works before JavaScript and ships
 * none. The page's path comes from proxy.ts's x-pathname header.
 */
export async function LanguageSwitcher() {
  const { offered } = offeredLocales();
  if (offered.length < 2) return null;
  const [current, t, list] = await Promise.all([getLocale(), getTranslations("common"), headers()]);
  return (
    <form method="post" action="/locale" className="text-sm">
      <input type="hidden" name="back" value={list.get("x-pathname") ?? "/"} />
      <fieldset className="flex flex-wrap items-center gap-x-1 gap-y-1">
        <legend className="sr-only">{t("languageChange")}</legend>
        <span aria-hidden="true" className="me-1 text-slate-600 dark:text-slate-400">
          {t("language")}
        </span>
        {offered.map((locale) => (
          <button
            key={locale}
            type="submit"
            name="locale"
            value={locale}
            lang={locale}
            dir="auto"
            aria-pressed={locale === current}
            className="inline-flex min-h-11 items-center rounded-md px-2 text-slate-700 underline-offset-4 hover:underline aria-pressed:font-semibold aria-pressed:text-slate-950 aria-pressed:no-underline focus-visible:outline-2 focus-visible:outline-brand-600 dark:text-slate-300 dark:aria-pressed:text-white dark:focus-visible:outline-blue-300"
          >
            {endonym(locale)}
          </button>
        ))}
      </fieldset>
    </form>
  );
}
