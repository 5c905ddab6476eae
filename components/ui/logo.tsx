import type { ReactNode } from "react";

/** The rounded-square "OTP" mark (app/icon.svg draws the same). */
export function LogoMark({ className = "size-7" }: { className?: string }) {
  return (
    <span className={`grid shrink-0 place-items-center rounded-lg bg-brand-600 text-xs font-bold text-white ${className}`} aria-hidden="true">
      OTP
    </span>
  );
}

/** Mark and product name, linking home. `suffix` names the area ("Admin"). */
export function LogoLink({ href = "/", suffix, label = "PhoneOTP home" }: { href?: string; suffix?: ReactNode; label?: string }) {
  return (
    <a
      href={href}
      aria-label={label}
      className="inline-flex items-center gap-2 rounded-md font-semibold tracking-tight text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:text-slate-100 dark:focus-visible:outline-blue-300"
    >
      <LogoMark />
      <span className="whitespace-nowrap">
        PhoneOTP{suffix && <span className="font-normal text-slate-500 dark:text-slate-400"> {suffix}</span>}
      </span>
    </a>
  );
}
