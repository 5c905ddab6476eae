import { describe, expect, it } from "vitest";
import { dateLocale, formatDateTime, formatHour, formatUtcDay } from "./reader-time";

const AT = "2026-12-02T04:20:44.000Z";
// ICU builds differ on the space before AM/PM (U+0020 or U+202F); the rest must match.
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, " ");

describe("formatDateTime", () => {
  it("writes the instant in the reader's language and zone", () => {
    expect(formatDateTime(AT, { locale: "fr-FR", timeZone: "Asia/Tokyo" })).toBe("2 déc. 2026, 13:20:44");
    expect(plain(formatDateTime(AT, { locale: "en-US", timeZone: "America/New_York" }))).toBe("Dec 1, 2026, 11:20:44 PM");
    expect(formatDateTime(AT, { locale: "en-GB", timeZone: "Africa/Dar_es_Salaam" }, { seconds: false })).toBe("2 Dec 2026, 07:20");
  });

  it("says UTC when it falls back to UTC, and keeps Western digits in Arabic", () => {
    expect(plain(formatDateTime(AT, { locale: "en-US", timeZone: "UTC" }))).toBe("Dec 2, 2026, 4:20:44 AM UTC");
    expect(formatDateTime(AT, { locale: "ar-EG", timeZone: "Africa/Cairo" }, { seconds: false })).toMatch(/^[^٠-٩]*2026[^٠-٩]*6:20[^٠-٩]*$/);
  });

  it("gives the same string for the same reader every time (the server's and the browser's hydration agree)", () => {
    const reader = { locale: "sw-TZ", timeZone: "Africa/Nairobi" };
    expect(formatDateTime(new Date(AT), reader)).toBe(formatDateTime(AT, { ...reader }));
  });
});

describe("formatHour and formatUtcDay", () => {
  it("labels an hour bucket in the reader's zone and a day bucket as its UTC day", () => {
    expect(formatHour("2026-12-02T04:00:00Z", { locale: "fr-FR", timeZone: "Asia/Tokyo" })).toBe("13:00");
    expect(formatHour("2026-12-01T15:00:00Z", { locale: "fr-FR", timeZone: "Asia/Tokyo" })).toBe("00:00");
    expect(plain(formatHour("2026-12-02T04:00:00Z", { locale: "en-US", timeZone: "Asia/Kolkata" }))).toBe("9:30 AM");
    // The day bucket 2026-11-23 (UTC) stays the 23rd in New York, where its start is the evening before.
    expect(formatUtcDay("2026-11-23T00:00:00Z", "fr-FR")).toBe("23 nov. 2026");
    expect(formatUtcDay("2026-11-23T00:00:00Z", "en-US", { year: false })).toBe("Nov 23");
  });
});

describe("dateLocale", () => {
  it("keeps a tag Intl knows, canonical, and refuses the rest", () => {
    expect(dateLocale("fr-fr")).toBe("fr-FR");
    expect(dateLocale("sw")).toBe("sw");
    for (const bad of ["", null, undefined, "xx-YY", "not a tag", "x".repeat(100)]) expect(dateLocale(bad), String(bad)).toBeNull();
  });
});
