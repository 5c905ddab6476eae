/**
 * The whole /login document as one React tree: rendered to HTML by the server bundle (render.tsx)
 * and hydrated in the browser by hydrate.tsx, both built by scripts/login-bundle.mjs outside the
 * App Router (docs/login.md, "Why /login is not an App Router page"). Only plain props: the server
 * (lib/login/page.ts) formats every word and reads every setting.
 */
import { LanguageSwitcherForm, type LanguageSwitcherProps } from "@/components/i18n/language-switcher-form";
import { LogoLink } from "@/components/ui/logo";
import { directionOf } from "@/lib/i18n/locales";
import { LoginForm, type LoginFormProps } from "./login-form";

export type LoginDocumentProps = {
  title: string;
  description: string;
  /** The app's stylesheet from the Next build (shared with every other page, so cached for /account). */
  stylesheets: string[];
  homeLabel: string;
  form: LoginFormProps;
  languages: LanguageSwitcherProps | null;
};

/** What the browser bundle reads from the page: the document's props and the worker's address. */
export type LoginPageData = { document: LoginDocumentProps; workerUrl?: string };

/** The id of the `<script type="application/json">` that carries LoginPageData. */
export const LOGIN_DATA_ID = "login-data";

export function LoginDocument({ title, description, stylesheets, homeLabel, form, languages }: LoginDocumentProps) {
  return (
    <html lang={form.locale} dir={directionOf(form.locale)}>
      {/* eslint-disable-next-line @next/next/no-head-element -- not a Pages Router page: this tree renders the whole document itself */}
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#2f6fed" />
        <title>{title}</title>
        <meta name="description" content={description} />
        <link rel="icon" href="/icon.svg" type="image/svg+xml" sizes="any" />
        {stylesheets.map((href) => (
          <link key={href} rel="stylesheet" href={href} />
        ))}
      </head>
      <body className="min-h-dvh font-sans">
        <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-4 px-4 py-6 sm:justify-center sm:gap-6 sm:py-16">
          <LogoLink label={homeLabel} />
          <LoginForm {...form} />
          {languages && <LanguageSwitcherForm {...languages} />}
        </main>
      </body>
    </html>
  );
}
