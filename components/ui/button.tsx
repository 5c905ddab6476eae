import type { ButtonHTMLAttributes } from "react";

type Variant = "primary" | "secondary" | "ghost";

const VARIANTS: Record<Variant, string> = {
  primary:
    "bg-brand-600 text-white shadow-sm hover:bg-brand-700 disabled:bg-brand-600/60 dark:bg-brand-500 dark:hover:bg-brand-600",
  secondary:
    "border border-slate-300 bg-white text-slate-900 hover:bg-slate-100 disabled:text-slate-500 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800",
  ghost: "text-brand-700 underline-offset-4 hover:underline disabled:text-slate-600 disabled:no-underline dark:text-blue-300 dark:disabled:text-slate-400",
};

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: Variant;
  /** "sm": inline text size, for ghost buttons inside a sentence. */
  size?: "md" | "sm";
  /** Shows a spinner, sets aria-busy and disables the button (no double submit). */
  isLoading?: boolean;
  loadingText?: string;
};

export function Button({ variant = "primary", size: textSize = "md", isLoading = false, loadingText, className = "", disabled, children, type = "button", ...rest }: ButtonProps) {
  const size =
    variant === "ghost"
      ? textSize === "sm"
        ? "min-h-8 px-1 text-sm"
        : "min-h-11 px-2 text-base"
      : `min-h-12 w-full px-5 ${textSize === "sm" ? "text-sm" : "text-base"}`;
  return (
    <button
      type={type}
      disabled={disabled || isLoading}
      aria-busy={isLoading || undefined}
      className={`inline-flex items-center justify-center gap-2 rounded-lg font-medium transition-colors motion-reduce:transition-none focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:focus-visible:outline-blue-300 disabled:cursor-not-allowed ${size} ${VARIANTS[variant]} ${className}`}
      {...rest}
    >
      {isLoading && <Spinner />}
      {isLoading && loadingText ? loadingText : children}
    </button>
  );
}

function Spinner() {
  return (
    <svg className="size-4 animate-spin motion-reduce:animate-none" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity="0.3" strokeWidth="4" />
      <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="4" strokeLinecap="round" />
    </svg>
  );
}
