import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/login/sign-out-button";
import { LogoLink } from "@/components/ui/logo";
import { AdminNav } from "./admin-nav";

/** The header of every admin page (rendered by app/admin/layout.tsx): product, signed-in admin, section tabs. */
export function AdminHeader({ phone }: { phone: string }) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto max-w-7xl px-4 sm:px-6">
        <div className="flex min-h-14 flex-wrap items-center justify-between gap-x-4 gap-y-1 py-2">
          <LogoLink href="/admin" label="PhoneOTP admin, overview" suffix="Admin" />
          <div className="flex min-w-0 items-center gap-x-3 text-sm">
            <span className="hidden text-slate-500 sm:inline dark:text-slate-400">Signed in as</span>
            <Link
              href="/account"
              title="Your account"
              className="truncate font-mono text-[13px] text-slate-700 hover:text-slate-900 hover:underline dark:text-slate-300 dark:hover:text-slate-100"
            >
              {phone}
            </Link>
            <SignOutButton compact />
          </div>
        </div>
        <AdminNav />
      </div>
    </header>
  );
}

/** The body of one admin page: optional way back, title, description, actions, content. */
export function AdminShell({
  title,
  description,
  actions,
  back,
  children,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  back?: { href: string; label: string };
  children: ReactNode;
}) {
  return (
    <main className="mx-auto max-w-7xl space-y-6 px-4 py-6 sm:px-6 sm:py-8">
      <div className="space-y-3">
        {back && (
          <Link href={back.href} className="inline-block text-sm font-medium text-brand-700 hover:underline dark:text-blue-300">
            <span aria-hidden="true">← </span>
            {back.label}
          </Link>
        )}
        <div className="flex flex-wrap items-end justify-between gap-4">
          <div className="min-w-0 space-y-1">
            <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
            {description && <div className="text-sm break-words text-slate-600 dark:text-slate-400">{description}</div>}
          </div>
          {actions}
        </div>
      </div>
      {children}
    </main>
  );
}

export function Panel({ children, className = "", ...rest }: { children: ReactNode; className?: string } & React.HTMLAttributes<HTMLElement>) {
  return (
    <section className={`rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900 ${className}`} {...rest}>
      {children}
    </section>
  );
}
