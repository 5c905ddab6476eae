import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";

/** A card on an admin page with its heading (webhooks, API keys, an endpoint's deliveries). */
export function AdminSection({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <Card>
      {title && <h2 className="mb-4 text-base font-semibold text-slate-900 dark:text-slate-100">{title}</h2>}
      {children}
    </Card>
  );
}

export type Column<T> = { header: ReactNode; cell: (row: T) => ReactNode; className?: string };

/**
 * The list of an admin section: a sentence when it is empty, else a table that scrolls sideways on
 * its own. Plain markup (no client code), so server pages render it and it works before JavaScript.
 */
export function DataTable<T>({ rows, columns, rowKey, rowTestId, empty, alignTop = false }: { rows: readonly T[]; columns: Column<T>[]; rowKey: (row: T) => string; rowTestId: string; empty: string; alignTop?: boolean }) {
  if (rows.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-300">{empty}</p>;
  // Every column but the last keeps its distance from the next.
  const gap = (i: number) => (i < columns.length - 1 ? "pr-4" : "");
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="text-slate-600 dark:text-slate-300">
          <tr>
            {columns.map((column, i) => (
              <th key={i} className={`py-2 font-medium ${gap(i)}`}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={`divide-y divide-slate-200 text-slate-900 dark:divide-slate-700 dark:text-slate-100 ${alignTop ? "align-top" : ""}`}>
          {rows.map((row) => (
            <tr key={rowKey(row)} data-testid={rowTestId}>
              {columns.map((column, i) => (
                <td key={i} className={`py-2 ${gap(i)} ${column.className ?? ""}`}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const TONES = {
  brand: "text-brand-700 dark:text-brand-100",
  danger: "text-red-700 dark:text-red-300",
};

/** A button that posts one row's ids to a server action: a real form, so it works before JavaScript. */
export function RowAction({ action, fields, label, tone = "brand", className }: { action: (form: FormData) => Promise<void>; fields: Record<string, string>; label: string; tone?: keyof typeof TONES; className?: string }) {
  return (
    <form action={action} className={className}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={`font-medium underline-offset-4 hover:underline ${TONES[tone]}`}>
        {label}
      </button>
    </form>
  );
}
