import type { InputHTMLAttributes, ReactNode } from "react";

/** Shared look of text fields, also used for inputs rendered by third-party components. */
export const inputClassName =
  "block min-h-12 w-full rounded-lg border border-slate-300 bg-white px-3 text-base text-slate-900 placeholder:text-slate-500 focus:border-brand-600 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600/40 dark:focus:border-blue-400 dark:focus:outline-blue-400/70 aria-invalid:border-red-600 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400 dark:aria-invalid:border-red-400";

export function Input({ className = "", ...rest }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={`${inputClassName} ${className}`} {...rest} />;
}

export function Label({ htmlFor, id, children }: { htmlFor?: string; id?: string; children: ReactNode }) {
  return (
    <label htmlFor={htmlFor} id={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
      {children}
    </label>
  );
}

/**
 * The message under a field. Always rendered (empty when there is nothing to say) so screen readers
 * announce a message the moment it appears.
 */
export function FieldMessage({ id, tone = "error", neutral = false, children }: { id: string; tone?: "error" | "info"; neutral?: boolean; children?: ReactNode }) {
  // `neutral`: an error region (same announcements) showing a notice that is not the person's mistake.
  const color = tone === "error" && !neutral ? "text-red-700 dark:text-red-300" : "text-slate-600 dark:text-slate-300";
  return (
    <div id={id} aria-live={tone === "error" ? "assertive" : "polite"} aria-atomic="true" className={`min-h-5 text-sm ${color}`}>
      {children}
    </div>
  );
}
