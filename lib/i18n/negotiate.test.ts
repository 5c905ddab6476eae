import { describe, expect, it } from "vitest";
import { negotiateLocale } from "./negotiate";

const LOCALES = ["en", "sw", "fr", "ar"] as const;

describe("negotiateLocale", () => {
  it("takes the highest-weighted language we offer, whatever the header's order", () => {
    expect(negotiateLocale("de;q=0.9, fr;q=0.8, sw", LOCALES, "en")).toBe("sw");
    expect(negotiateLocale("de, fr-CA;q=0.5", LOCALES, "en")).toBe("fr");
  });

  it("maps regional variants onto the shipped language", () => {
    expect(negotiateLocale("sw-TZ", LOCALES, "en")).toBe("sw");
    expect(negotiateLocale("ar-EG,ar;q=0.9", LOCALES, "en")).toBe("ar");
  });

  it("falls back to the default for no header, a wildcard, unknown languages and garbage", () => {
    for (const header of [null, "", "*", "de, ja", "a b c;;q=x", "x-".repeat(50)]) expect(negotiateLocale(header, LOCALES, "sw")).toBe("sw");
  });

  it("offers only the given locales", () => {
    expect(negotiateLocale("ar, fr;q=0.5", ["en", "fr"], "en")).toBe("fr");
  });
});
