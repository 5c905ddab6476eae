import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { Metadata } from "next";
import { cookies } from "next/headers";
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
import { knownTimeZone, TIME_ZONE_COOKIE } from "@/lib/time-zone";

// Reads the session and runtime configuration: rendered per request, never prerendered at build.
export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta");
  return { title: t("account") };
}

// Times in the reader's own language and time zone: rendered here when the login form told us the
// zone (no client code, so the navigation from the code step loads no script), else <LocalTime>
// corrects UTC in the browser.
function When({ date, timeZone, locale }: { date: Date | null; timeZone: string | null; locale: string }) {
  if (!date) return <>—</>;
  if (!timeZone) return <LocalTime iso={date.toISOString()} locale={locale} />;
  const text = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
  return <time dateTime={date.toISOString()}>{`${text}${timeZone === "UTC" ? " UTC" : ""}`}</time>;
}

export default async function AccountPage() {
  const session = await requireUserPage("/account");
  const [db, jar] = await Promise.all([getDb(), cookies()]);
  // Both read by the session's user id, at once: this page is on the login's critical path.
  const [user, previous] = await Promise.all([findUserById(db, session.id), previousSignInAt(db, session.id)]);
  // A valid session for a user that no longer exists: sign in again (recreates the user).
  if (!user) redirect(loginUrl("/account"));
  const timeZone = knownTimeZone(jar.get(TIME_ZONE_COOKIE)?.value);
  const [t, common, locale] = await Promise.all([getTranslations("account"), getTranslations("common"), getLocale()]);
  const when = (date: Date | null) => <When date={date} timeZone={timeZone} locale={locale} />;
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-4 px-4 py-6 sm:justify-center sm:gap-6 sm:py-16">
      <LogoLink label={common("homeLink")} />
      <Card>
        <CardHeader title={t("title")} description={t("description")} />
        <dl className="mb-6 divide-y divide-slate-200 text-sm dark:divide-slate-800">
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">{t("phone")}</dt>
            {/* A number reads left to right in every language. elementtiming: bench:ux times "code → /account" until it is painted. */}
            <dd className="font-medium whitespace-nowrap" dir="ltr" data-testid="account-phone" data-phone={user.phone} {...{ elementtiming: "account-phone" }}>
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
            // A plain link: next/link would add a script chunk to this page, and the dashboard is a full page load anyway.
            <a
              href="/admin"
              className="flex min-h-12 w-full items-center justify-center rounded-lg bg-brand-600 px-5 font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:bg-brand-500 dark:hover:bg-brand-600 dark:focus-visible:outline-blue-300"
            >
              {t("openAdmin")}
            </a>
          )}
          <SignOutButton label={common("signOut")} />
        </div>
      </Card>
      <LanguageSwitcher />
    </main>
  );
}
