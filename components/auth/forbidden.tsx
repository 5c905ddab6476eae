import { SignOutButton } from "@/components/login/sign-out-button";
import { Card, CardHeader } from "@/components/ui/card";

/**
 * The 403 page rendered in place of admin pages for signed-in users without the ADMIN role. Plain
 * links: app/forbidden.tsx is a root boundary, whose client code ships with every page (next/link
 * added 3.8 KB gzip to /login).
 */
export function Forbidden() {
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col px-4 py-6 sm:justify-center sm:py-16">
      <Card>
        <p className="mb-2 text-sm font-semibold text-red-700 dark:text-red-300">Error 403</p>
        <CardHeader
          title="You don't have access to this page"
          description={
            <>
              The number you are signed in with is not an administrator. Ask an administrator to grant you access, or sign in
              with another number.
            </>
          }
        />
        <SignOutButton label="Sign in with another number" redirectTo="/login?callbackUrl=%2Fadmin" />
        <div className="mt-4 flex flex-wrap gap-4">
          <a href="/account" className="font-medium text-brand-700 underline underline-offset-4 dark:text-blue-300">
            Go to your account
          </a>
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a plain link on purpose (above) */}
          <a href="/" className="font-medium text-brand-700 underline underline-offset-4 dark:text-blue-300">
            Home
          </a>
        </div>
      </Card>
    </main>
  );
}
