/**
 * Filling the "{name}" slots of the login form's server-made texts (lib/login/texts.ts): as a
 * string, or as React nodes so a number, a time or a code can be isolated left-to-right inside
 * right-to-left text (codes and numbers read the same in every language).
 */
import { Fragment, type ReactNode } from "react";

const SLOT = /\{(\w+)\}/g;

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(SLOT, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function fillNodes(template: string, values: Record<string, ReactNode>): ReactNode {
  const parts = template.split(SLOT);
  // split with a capture group: even indexes are text, odd ones slot names.
  return parts.map((part, i) => <Fragment key={i}>{i % 2 ? (values[part] ?? `{${part}}`) : part}</Fragment>);
}

/** A number, time or code inside text of either direction: left to right, isolated from its neighbours. */
export function Ltr({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <bdi dir="ltr" className={className}>
      {children}
    </bdi>
  );
}
