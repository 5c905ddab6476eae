import "server-only";
import { cookies, headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { acceptedDateLocale } from "@/lib/i18n/browser-locale";
import { formatDateTime, type Reader } from "@/lib/reader-time";
import { knownTimeZone, TIME_ZONE_COOKIE } from "@/lib/time-zone";
import { AdminTime } from "./admin-time";
import type { Column } from "./data-table";

/** The reader this request describes: Accept-Language's first language, the `tz` cookie's zone (else UTC). Once per request. */
export const requestReader = cache(async (): Promise<Reader> => {
  const [jar, list] = await Promise.all([cookies(), headers()]);
  return { locale: acceptedDateLocale(list.get("accept-language")), timeZone: knownTimeZone(jar.get(TIME_ZONE_COOKIE)?.value) ?? "UTC" };
});

/** <AdminTime> in a server component: formatted here for this request, so the page shows the reader's time before any script runs. */
export async function ServerTime({ at, seconds = true, empty }: { at: Date | string | null | undefined; seconds?: boolean; empty?: ReactNode }) {
  if (!at) return <>{empty ?? "—"}</>;
  const iso = typeof at === "string" ? at : at.toISOString();
  const reader = await requestReader();
  return <AdminTime at={iso} seconds={seconds} server={{ reader, text: formatDateTime(iso, reader, { seconds }) }} />;
}

/** A DataTable column of one date per row, formatted for this request. */
export function timeColumn<T>(header: string, at: (row: T) => Date | null, empty?: string): Column<T> {
  return { header, className: "whitespace-nowrap", cell: (row) => <ServerTime at={at(row)} empty={empty} /> };
}

/** "Revoked 2 déc. 2026, 13:20:44": what happened and when, for a status cell. */
export function Since({ label, at, className }: { label: string; at: Date; className: string }) {
  return (
    <span className={className}>
      {label} <ServerTime at={at} />
    </span>
  );
}
