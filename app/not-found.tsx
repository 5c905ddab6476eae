import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { Card, CardHeader } from "@/components/ui/card";
import { LogoLink } from "@/components/ui/logo";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta");
  return { title: t("notFound") };
}

const linkClass =
  "font-medium text-brand-700 underline underline-offset-4 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:text-blue-300 dark:focus-visible:outline-blue-300";

// Every unknown address (HTTP 404), in the app's own look rather than Next's bare default. Plain
// links: this boundary's client code ships with every page (next/link added 3.8 KB gzip to /login).
export default async function NotFound() {
  const [t, common] = await Promise.all([getTranslations("errors"), getTranslations("common")]);
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-6 px-4 py-6 sm:justify-center sm:py-16">
      <LogoLink label={common("homeLink")} />
      <Card>
        <p className="mb-2 text-sm font-semibold text-slate-600 dark:text-slate-300">{t("notFoundLabel")}</p>
        <CardHeader title={t("notFoundTitle")} description={t("notFoundDescription")} />
        <div className="flex flex-wrap gap-x-6 gap-y-3">
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a plain link on purpose (above) */}
          <a href="/" className={linkClass}>
            {common("home")}
          </a>
          <a href="/login" className={linkClass}>
            {common("logIn")}
          </a>
        </div>
      </Card>
      <LanguageSwitcher />
    </main>
  );
}
