import type { Metadata } from "next";
import { Card, CardHeader } from "@/components/ui/card";
import { LogoLink } from "@/components/ui/logo";

export const metadata: Metadata = { title: "Page not found" };

const linkClass =
  "font-medium text-brand-700 underline underline-offset-4 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:text-blue-300 dark:focus-visible:outline-blue-300";

// Every unknown address (HTTP 404), in the app's own look rather than Next's bare default. Plain
// links: this boundary's client code ships with every page (next/link added 3.8 KB gzip to /login).
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-6 px-4 py-6 sm:justify-center sm:py-16">
      <LogoLink />
      <Card>
        <p className="mb-2 text-sm font-semibold text-slate-600 dark:text-slate-300">Error 404</p>
        <CardHeader title="We can't find this page" description="The address may be mistyped, or the page has moved." />
        <div className="flex flex-wrap gap-x-6 gap-y-3">
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a plain link on purpose (above) */}
          <a href="/" className={linkClass}>
            Home
          </a>
          <a href="/login" className={linkClass}>
            Log in
          </a>
        </div>
      </Card>
    </main>
  );
}
