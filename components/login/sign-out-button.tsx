/**
 * Sign-out as a plain form: POST /logout clears the session and answers 303 to the login page,
 * one request and one navigation, with or without JavaScript.
 */
/** `redirectTo`: a /login URL to land on afterwards (default /login?signedOut=1). */
export function SignOutButton({ label = "Sign out", compact = false, redirectTo }: { label?: string; compact?: boolean; redirectTo?: string }) {
  const className = compact
    ? "inline-flex min-h-11 items-center px-1 text-sm font-medium text-brand-700 underline-offset-4 hover:underline dark:text-blue-300 focus-visible:outline-2 focus-visible:outline-brand-600 dark:focus-visible:outline-blue-300"
    : "inline-flex min-h-12 w-full items-center justify-center rounded-lg border border-slate-300 bg-white px-5 text-base font-medium text-slate-900 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:focus-visible:outline-blue-300";
  return (
    <form method="post" action="/logout" className={compact ? "inline" : undefined}>
      {redirectTo && <input type="hidden" name="next" value={redirectTo} />}
      <button type="submit" className={className}>
        {label}
      </button>
    </form>
  );
}
