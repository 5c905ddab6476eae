import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
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

export const metadata: Metadata = { title: "Your account" };

const dateTime = (timeZone: string) => new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone });

// Times in the reader's own time zone: rendered here when the login form told us the zone (no client
// code, so the navigation from the code step loads no script), else <LocalTime> corrects UTC in the browser.
function When({ date, timeZone }: { date: Date | null; timeZone: string | null }) {
  if (!date) return <>—</>;
  if (!timeZone) return <LocalTime iso={date.toISOString()} />;
  return <time dateTime={date.toISOString()}>{`${dateTime(timeZone).format(date)}${timeZone === "UTC" ? " UTC" : ""}`}</time>;
}

export default async function AccountPage() {
  const session = await requireUserPage("/account");
  const [db, jar] = await Promise.all([getDb(), cookies()]);
  // Both read by the session's user id, at once: this page is on the login's critical path.
  const [user, previous] = await Promise.all([findUserById(db, session.id), previousSignInAt(db, session.id)]);
  // A valid session for a user that no longer exists: sign in again (recreates the user).
  if (!user) redirect(loginUrl("/account"));
  const timeZone = knownTimeZone(jar.get(TIME_ZONE_COOKIE)?.value);
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-4 px-4 py-6 sm:justify-center sm:gap-6 sm:py-16">
      <LogoLink />
      <Card>
        <CardHeader title="Your account" description="You are signed in with your phone number." />
        <dl className="mb-6 divide-y divide-slate-200 text-sm dark:divide-slate-800">
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">Phone</dt>
            {/* elementtiming: bench:ux times "code → /account" until this number is painted. */}
            <dd className="font-medium whitespace-nowrap" data-testid="account-phone" data-phone={user.phone} {...{ elementtiming: "account-phone" }}>
              {parsePhoneNumberFromString(user.phone)?.formatInternational() ?? user.phone}
            </dd>
          </div>
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">Last login</dt>
            <dd className="text-right font-medium">
              <When date={user.lastLoginAt} timeZone={timeZone} />
            </dd>
          </div>
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">Previous login</dt>
            <dd className="text-right font-medium">{previous ? <When date={previous} timeZone={timeZone} /> : "This is your first login"}</dd>
          </div>
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">Role</dt>
            <dd className="font-medium">{user.role === "ADMIN" ? "Administrator" : "User"}</dd>
          </div>
        </dl>
        <div className="space-y-3">
          {user.role === "ADMIN" && (
            // A plain link: next/link would add a script chunk to this page, and the dashboard is a full page load anyway.
            <a
              href="/admin"
              className="flex min-h-12 w-full items-center justify-center rounded-lg bg-brand-600 px-5 font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:bg-brand-500 dark:hover:bg-brand-600 dark:focus-visible:outline-blue-300"
            >
              Open the admin dashboard
            </a>
          )}
          <SignOutButton />
        </div>
      </Card>
    </main>
  );
}
