import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { LocalTime } from "@/components/login/local-time";
import { SignOutButton } from "@/components/login/sign-out-button";
import { Card, CardHeader } from "@/components/ui/card";
import { LogoLink } from "@/components/ui/logo";
import { loginUrl, requireUserPage } from "@/lib/auth/session";
import { findUserById, previousSignInAt } from "@/lib/auth/users";
import { getDb } from "@/lib/db";

// Reads the session and runtime configuration: rendered per request, never prerendered at build.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Your account" };

// Times in the reader's own time zone (UTC until the browser says which).
function When({ date }: { date: Date | null }) {
  if (!date) return <>—</>;
  return <LocalTime iso={date.toISOString()} />;
}

export default async function AccountPage() {
  const session = await requireUserPage("/account");
  const db = await getDb();
  const user = await findUserById(db, session.id);
  // A valid session for a user that no longer exists: sign in again (recreates the user).
  if (!user) redirect(loginUrl("/account"));
  const previous = await previousSignInAt(db, user.id);
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-4 px-4 py-6 sm:justify-center sm:gap-6 sm:py-16">
      <LogoLink />
      <Card>
        <CardHeader title="Your account" description="You are signed in with your phone number." />
        <dl className="mb-6 divide-y divide-slate-200 text-sm dark:divide-slate-800">
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">Phone</dt>
            <dd className="font-medium whitespace-nowrap" data-testid="account-phone" data-phone={user.phone}>
              {parsePhoneNumberFromString(user.phone)?.formatInternational() ?? user.phone}
            </dd>
          </div>
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">Last login</dt>
            <dd className="text-right font-medium">
              <When date={user.lastLoginAt} />
            </dd>
          </div>
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">Previous login</dt>
            <dd className="text-right font-medium">{previous ? <When date={previous} /> : "This is your first login"}</dd>
          </div>
          <div className="flex justify-between gap-4 py-3">
            <dt className="text-slate-600 dark:text-slate-300">Role</dt>
            <dd className="font-medium">{user.role === "ADMIN" ? "Administrator" : "User"}</dd>
          </div>
        </dl>
        <div className="space-y-3">
          {user.role === "ADMIN" && (
            <Link
              href="/admin"
              className="flex min-h-12 w-full items-center justify-center rounded-lg bg-brand-600 px-5 font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:bg-brand-500 dark:hover:bg-brand-600 dark:focus-visible:outline-blue-300"
            >
              Open the admin dashboard
            </Link>
          )}
          <SignOutButton />
        </div>
      </Card>
    </main>
  );
}
