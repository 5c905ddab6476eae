import Link from "next/link";

export default function HomePage() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-2xl flex-col justify-center gap-8 px-6 py-16">
      <div className="space-y-3">
        <p className="text-sm font-semibold uppercase tracking-wide text-brand-600 dark:text-brand-500">PhoneOTP</p>
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Phone one-time-password login and verification for Next.js</h1>
        <p className="text-lg text-slate-600 dark:text-slate-400">
          Send a code by SMS, verify it, turn it into a browser session, and audit every code ever sent.
        </p>
      </div>
      <nav className="flex flex-wrap gap-3" aria-label="Main">
        <Link href="/login" className="rounded-lg bg-brand-600 px-5 py-3 font-medium text-white shadow-sm hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:focus-visible:outline-blue-300">
          Log in with your phone
        </Link>
        <Link href="/admin" className="rounded-lg border border-slate-300 px-5 py-3 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-900">
          Admin dashboard
        </Link>
        <a href="/api/openapi.json" className="rounded-lg px-5 py-3 font-medium text-slate-600 underline-offset-4 hover:underline dark:text-slate-400">
          API description
        </a>
      </nav>
    </main>
  );
}
