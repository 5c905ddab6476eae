"use client";

import { useEffect, useMemo, type ReactNode } from "react";
import { useHydrated, useTimeZone } from "@/components/login/local-time";
import { dateLocale, FALLBACK_DATE_LOCALE, formatDateTime, sameReader, type Reader } from "@/lib/reader-time";
import { TIME_ZONE_COOKIE, timeZoneCookie } from "@/lib/time-zone";
import { formatUtc } from "./format";

/** The browser's language (navigator.language) and zone once this page's JavaScript runs; null on the server and while hydrating. */
export function useBrowserReader(): Reader | null {
  const hydrated = useHydrated();
  const timeZone = useTimeZone();
  const locale = hydrated ? (dateLocale(navigator.language) ?? FALLBACK_DATE_LOCALE) : null;
  return useMemo(() => (locale ? { locale, timeZone } : null), [locale, timeZone]);
}

/** For what only the browser renders (rows loaded with SWR, chart labels): its reader, else en-US in UTC. */
export function useAdminReader(): Reader {
  return useBrowserReader() ?? { locale: FALLBACK_DATE_LOCALE, timeZone: "UTC" };
}

let isZoneRemembered = false;

/**
 * Keeps the `tz` cookie on the browser's zone (an admin signed in by API, a laptop that travelled),
 * so the server renders the next page's times in it (lib/time-zone.ts).
 */
function rememberTimeZone(timeZone: string) {
  if (isZoneRemembered) return;
  isZoneRemembered = true;
  const saved = document.cookie.split(/;\s*/).find((c) => c.startsWith(`${TIME_ZONE_COOKIE}=`));
  if (saved && decodeURIComponent(saved.slice(TIME_ZONE_COOKIE.length + 1)) === timeZone) return;
  document.cookie = timeZoneCookie(timeZone);
}

/**
 * A date and time in the browser's language and zone: <time dateTime=ISO> with the UTC value in its
 * title. `server`: what the server rendered (components/admin/server-time.tsx) — hydration renders
 * that very string, and the browser formats again only where its language or zone differ, so the
 * HTML before JavaScript is right and hydration never disagrees (the server's and each browser's ICU
 * and CLDR data differ, down to the space before "PM"). Without it (rows the browser loads itself) the browser
 * formats; before hydration a UTC fallback that says so.
 */
export function AdminTime({ at, seconds = true, empty = "—", server }: { at: string | null | undefined; seconds?: boolean; empty?: ReactNode; server?: { reader: Reader; text: string } }) {
  const browser = useBrowserReader();
  useEffect(() => {
    if (browser) rememberTimeZone(browser.timeZone);
  }, [browser]);
  if (!at) return <>{empty}</>;
  const reader = browser ?? server?.reader;
  let text: string;
  if (server && (!browser || sameReader(browser, server.reader))) text = server.text;
  else text = reader ? formatDateTime(at, reader, { seconds }) : `${formatUtc(at, { seconds })} UTC`;
  return (
    <time dateTime={at} title={`${formatUtc(at)} UTC`} lang={reader?.locale}>
      {text}
    </time>
  );
}
