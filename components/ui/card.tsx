import type { ReactNode } from "react";

export function Card({ children, className = "" }: { children: ReactNode; className?: string }) {
  return (
    <div className={`rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8 dark:border-slate-800 dark:bg-slate-900 ${className}`}>
      {children}
    </div>
  );
}

export function CardHeader({ title, description, titleId }: { title: ReactNode; description?: ReactNode; titleId?: string }) {
  return (
    <div className="mb-6 space-y-1.5">
      <h1 id={titleId} className="text-2xl font-bold tracking-tight">
        {title}
      </h1>
      {description && <div className="text-slate-600 dark:text-slate-300">{description}</div>}
    </div>
  );
}
