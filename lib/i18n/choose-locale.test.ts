import { describe, expect, it } from "vitest";
import { chooseLocale } from "./choose-locale";
import type { Locale } from "./locales";

const all: Locale[] = ["en", "sw", "fr", "ar"];
const choose = (cookie: string | null, acceptLanguage: string | null, offered: Locale[] = all, fallback: Locale = "en") =>
  chooseLocale({ cookie, acceptLanguage, offered, fallback });

describe("chooseLocale", () => {
  it("takes the explicit choice (cookie) over Accept-Language", () => {
    expect(choose("fr", "sw-TZ,sw;q=0.9")).toBe("fr");
    expect(choose("AR", "en-US")).toBe("ar");
  });

  it("ignores a cookie naming a locale that is not offered or not shipped", () => {
    expect(choose("fr", "sw", ["en", "sw"])).toBe("sw");
    expect(choose("de", "ar")).toBe("ar");
    expect(choose("<script>", null)).toBe("en");
  });

  it("maps a regional Accept-Language to its language (sw-TZ → sw, fr-CA → fr, ar-EG → ar)", () => {
    expect(choose(null, "sw-TZ")).toBe("sw");
    expect(choose(null, "fr-CA,fr;q=0.9")).toBe("fr");
    expect(choose(null, "ar-EG")).toBe("ar");
  });

  it("respects q-values, whatever the order in the header", () => {
    expect(choose(null, "en;q=0.3, fr;q=0.9, sw;q=0.5")).toBe("fr");
    expect(choose(null, "de-DE, sw;q=0.4, en;q=0.2")).toBe("sw");
  });

  it("drops languages with q=0", () => {
    expect(choose(null, "fr;q=0, sw;q=0.1")).toBe("sw");
  });

  it("offers only LOCALES: an Accept-Language for a shipped but unoffered locale gets the next match or the default", () => {
    expect(choose(null, "ar, fr;q=0.5", ["en", "fr"])).toBe("fr");
    expect(choose(null, "ar", ["en", "sw"], "sw")).toBe("sw");
  });

  it("falls back to DEFAULT_LOCALE with no cookie, no header, a wildcard, an unknown language or garbage", () => {
    expect(choose(null, null, all, "sw")).toBe("sw");
    expect(choose(null, "", all, "fr")).toBe("fr");
    expect(choose(null, "*", all, "ar")).toBe("ar");
    expect(choose(null, "de-DE,de;q=0.9", all, "sw")).toBe("sw");
    expect(choose(null, ";;;q=x,,%%", all, "fr")).toBe("fr");
    expect(choose("", "x".repeat(5000), all, "en")).toBe("en");
  });
});
