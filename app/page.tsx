import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { LogoMark } from "@/components/ui/logo";

// No client JavaScript of its own: plain links and forms, so the page is as light as the framework allows.

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta");
  return { title: { absolute: `PhoneOTP · ${t("home")}` }, description: t("description") };
}

export default async function HomePage() {
  const [t, common] = await Promise.all([getTranslations("home"), getTranslations("common")]);
  return (
    <main className="mx-auto flex min-h-dvh max-w-xl flex-col justify-center gap-8 px-6 py-16">
      <div className="space-y-4">
        <p className="flex items-center gap-2 font-semibold tracking-tight">
          <LogoMark />
          {common("appName")}
        </p>
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">{t("title")}</h1>
        <p className="text-lg text-slate-700 dark:text-slate-300">{t("lead")}</p>
      </div>
      <div className="space-y-4">
        <a
          href="/login"
          className="flex min-h-12 w-full items-center justify-center rounded-lg bg-brand-600 px-5 text-base font-medium text-white shadow-sm hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 sm:w-auto sm:justify-self-start dark:bg-brand-500 dark:hover:bg-brand-600 dark:focus-visible:outline-blue-300"
        >
          {t("cta")}
        </a>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {t("alreadySignedIn")} <a href="/account" className="underline underline-offset-4">{t("yourAccount")}</a>
        </p>
      </div>
      <footer className="space-y-2 border-t border-slate-200 pt-4 text-sm text-slate-600 dark:border-slate-800 dark:text-slate-400">
        <LanguageSwitcher />
        <nav aria-label={t("operators")} className="flex flex-wrap gap-x-4 gap-y-2">
          <a href="/admin" className="inline-flex min-h-11 items-center underline-offset-4 hover:underline">{t("admin")}</a>
          <a href="/api/openapi.json" className="inline-flex min-h-11 items-center underline-offset-4 hover:underline">{t("apiDescription")}</a>
        </nav>
      </footer>
    </main>
  );
}
