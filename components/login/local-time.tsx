"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/** The browser's time zone after hydration; "UTC" on the server and without JavaScript. */
export function useTimeZone(): string {
  return useSyncExternalStore(
    subscribe,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    () => "UTC",
  );
}

/** false on the server and during hydration, true once the browser runs this page's JavaScript. */
export function useHydrated(): boolean {
  return useSyncExternalStore(subscribe, () => true, () => false);
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * "21:40" (or "21:40:05", or a date and time) in `locale` and `timeZone`; " UTC" is appended where
 * the zone is not the browser's. Western digits in every locale, so a time reads like the codes.
 */
export function formatClock(at: number | Date, timeZone: string, style: "time" | "time-seconds" | "date-time" = "time", locale = "en-GB"): string {
  const key = `${locale}|${timeZone}|${style}`;
  let format = formats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      style === "date-time" ? { dateStyle: "medium", timeStyle: "short" } : { hour: "2-digit", minute: "2-digit", ...(style === "time-seconds" && { second: "2-digit" }), hourCycle: "h23" };
    format = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : locale, { ...options, timeZone, numberingSystem: "latn" });
    formats.set(key, format);
  }
  return `${format.format(at)}${timeZone === "UTC" ? " UTC" : ""}`;
}

/** A date and time in the reader's language and time zone (UTC until the browser's zone is known). */
export function LocalTime({ iso, locale }: { iso: string; locale?: string }) {
  const timeZone = useTimeZone();
  return <time dateTime={iso}>{formatClock(new Date(iso), timeZone, "date-time", locale)}</time>;
}
