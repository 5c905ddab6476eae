import { getTranslations } from "next-intl/server";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { SignOutButton } from "@/components/login/sign-out-button";
import { Card, CardHeader } from "@/components/ui/card";

/**
 * The 403 page rendered in place of admin pages for signed-in users without the ADMIN role (in their
 * language). Plain links: app/forbidden.tsx is a root boundary, whose client code ships with every
 * page (next/link added 3.8 KB gzip to /login).
 */
export async function Forbidden() {
  const [t, common] = await Promise.all([getTranslations("errors"), getTranslations("common")]);
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-6 px-4 py-6 sm:justify-center sm:py-16">
      <Card>
        <p className="mb-2 text-sm font-semibold text-red-700 dark:text-red-300">{t("forbiddenLabel")}</p>
        <CardHeader title={t("forbiddenTitle")} description={t("forbiddenDescription")} />
        <SignOutButton label={t("forbiddenSignInOther")} redirectTo="/login?callbackUrl=%2Fadmin" />
        <div className="mt-4 flex flex-wrap gap-4">
          <a href="/account" className="font-medium text-brand-700 underline underline-offset-4 dark:text-blue-300">
            {common("goToAccount")}
          </a>
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a plain link on purpose (above) */}
          <a href="/" className="font-medium text-brand-700 underline underline-offset-4 dark:text-blue-300">
            {common("home")}
          </a>
        </div>
      </Card>
      <LanguageSwitcher />
    </main>
  );
}
