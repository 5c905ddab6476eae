import type { Locale } from "@/lib/i18n/locales";

export type LanguageSwitcherProps = {
  /** The page's path (proxy.ts's x-pathname): POST /locale sends the visitor back there. */
  back: string;
  current: Locale;
  /** Each offered language named in itself, in order. */
  languages: { locale: Locale; name: string }[];
  /** "Language" (shown) and "Change the language" (the fieldset's name). */
  label: string;
  legend: string;
};

/**
 * The switcher's markup, pure: rendered by the server components (language-switcher.tsx) and, with
 * the same words as props, by the login page's own React tree (components/login/login-document.tsx),
 * which hydrates it in the browser.
 */
export function LanguageSwitcherForm({ back, current, languages, label, legend }: LanguageSwitcherProps) {
  return (
    <form method="post" action="/locale" className="text-sm">
      <input type="hidden" name="back" value={back} />
      <fieldset className="flex flex-wrap items-center gap-x-1 gap-y-1">
        <legend className="sr-only">{legend}</legend>
        <span aria-hidden="true" className="me-1 text-slate-600 dark:text-slate-400">
          {label}
        </span>
        {languages.map(({ locale, name }) => (
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
            {name}
          </button>
        ))}
      </fieldset>
    </form>
  );
}
