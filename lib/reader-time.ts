/**
 * Dates in the reader's own language and time zone, with Intl. Pure (no server-only): the server
 * formats with the request's Accept-Language and `tz` cookie (lib/time-zone.ts), the browser with
 * navigator.language and its own zone, and the same inputs give the same string on both.
 */
export type Reader = { locale: string; timeZone: string };

/** Dates before the reader's language is known (no Accept-Language, a tag Intl does not know). */
export const FALLBACK_DATE_LOCALE = "en-US";

/** A language tag Intl formats dates in, canonical ("fr-fr" → "fr-FR"), else null. Never throws. */
export function dateLocale(tag: string | null | undefined): string | null {
  if (!tag || tag.length > 64) return null;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf(tag)[0] ?? null;
  } catch {
    return null;
  }
}

export function sameReader(a: Reader, b: Reader): boolean {
  return a.locale === b.locale && a.timeZone === b.timeZone;
}

const formats = new Map<string, Intl.DateTimeFormat>();

// One formatter per locale, zone and style: tables format hundreds of rows every few seconds.
function formatter(locale: string, timeZone: string, style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let format = formats.get(key);
  if (!format) {
    // Western digits in every locale, as on the user pages (components/login/local-time.tsx): a time reads like the codes beside it.
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone, numberingSystem: "latn" });
    formats.set(key, format);
  }
  return format;
}

/** "2 déc. 2026, 13:20:44" (fr-FR, Asia/Tokyo); " UTC" is appended where the zone is UTC, so a fallback says so. */
export function formatDateTime(at: string | number | Date, reader: Reader, { seconds = true }: { seconds?: boolean } = {}): string {
  const style = seconds ? "medium" : "short";
  const text = formatter(reader.locale, reader.timeZone, `date-time-${style}`, { dateStyle: "medium", timeStyle: style }).format(new Date(at));
  return reader.timeZone === "UTC" ? `${text} UTC` : text;
}

/** The start of an hour in the reader's zone: "13:00", "00:00" (fr-FR), "1:00 PM" (en-US) — the clock the tables use. */
export function formatHour(at: string | number | Date, reader: Reader): string {
  return formatter(reader.locale, reader.timeZone, "hour", { timeStyle: "short" }).format(new Date(at));
}

/** A UTC calendar day (the stats' day buckets) in the reader's language: "23 nov. 2026", "Nov 23" without the year. */
export function formatUtcDay(at: string | number | Date, locale: string, { year = true }: { year?: boolean } = {}): string {
  return formatter(locale, "UTC", year ? "day-year" : "day", { day: "numeric", month: "short", ...(year && { year: "numeric" }) }).format(new Date(at));
}
