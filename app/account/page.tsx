import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { LocalTime } from "@/components/login/local-time";
import { SignOutButton } from "@/components/login/sign-out-button";
import { Card, CardHeader } from "@/components/ui/card";
import { LogoLink } from "@/components/ui/logo";
import { loginUrl, requireUserPage } from "@/lib/auth/session";
import { findUserById, previousSignInAt } from "@/lib/auth/users";
import { getDb } from "@/lib/db";

// Reads the session and runtime configuration: rendered per request, never prerendered at build.
export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta");
  return { title: t("account") };
}

export default async function AccountPage() {
  const session = await requireUserPage("/account");
  const db = await getDb();
  const user = await findUserById(db, session.id);
  // A valid session for a user that no longer exists: sign in again (recreates the user).
  if (!user) redirect(loginUrl("/account"));
  const [previous, t, common, locale] = await Promise.all([previousSignInAt(db, user.id), getTranslations("account"), getTranslations("common"), getLocale()]);
  // Times in the reader's own language and time zone (UTC until the browser says which).
  const when = (date: Date | null) => (date ? <LocalTime iso={date.toISOString()} locale={locale} /> : "—");
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-4 px-4 py-6 sm:justify-center sm:gap-6 sm:py-16">
      <LogoLink label={common("homeLink")} />
      <Card>
        <CardHeader title={t("title")} description={t("description")} />
        <dl className="mb-6 divide-y divide-slate-200 text-sm dark:divide-slate-800">
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">{t("phone")}</dt>
            {/* A number reads left to right in every language. */}
            <dd className="font-medium whitespace-nowrap" dir="ltr" data-testid="account-phone" data-phone={user.phone}>
              {parsePhoneNumberFromString(user.phone)?.formatInternational() ?? user.phone}
            </dd>
          </div>
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">{t("lastLogin")}</dt>
            <dd className="text-end font-medium">{when(user.lastLoginAt)}</dd>
          </div>
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">{t("previousLogin")}</dt>
            <dd className="text-end font-medium">{previous ? when(previous) : t("firstLogin")}</dd>
          </div>
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">{t("role")}</dt>
            <dd className="font-medium">{user.role === "ADMIN" ? t("admin") : t("user")}</dd>
          </div>
        </dl>
        <div className="space-y-3">
          {user.role === "ADMIN" && (
            <Link
              href="/admin"
              className="flex min-h-12 w-full items-center justify-center rounded-lg bg-brand-600 px-5 font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:bg-brand-500 dark:hover:bg-brand-600 dark:focus-visible:outline-blue-300"
            >
              {t("openAdmin")}
            </Link>
          )}
          <SignOutButton label={common("signOut")} />
        </div>
      </Card>
      <LanguageSwitcher />
    </main>
  );
}
