import { describe, expect, it } from "vitest";
import { acceptedDateLocale } from "./browser-locale";

describe("acceptedDateLocale", () => {
  it("takes the browser's most preferred language, region included, whether or not the product ships it", () => {
    expect(acceptedDateLocale("fr-FR,fr;q=0.9,en;q=0.8")).toBe("fr-FR");
    expect(acceptedDateLocale("en-US,en;q=0.9")).toBe("en-US");
    expect(acceptedDateLocale("de;q=0.5, ja-JP")).toBe("ja-JP");
    expect(acceptedDateLocale("pt-br")).toBe("pt-BR");
  });

  it("skips wildcards and tags Intl does not know, and falls back to en-US", () => {
    expect(acceptedDateLocale("*, xx-YY;q=0.9, sw-TZ;q=0.5")).toBe("sw-TZ");
    for (const header of [null, undefined, "", "*", "xx-YY", ";;;,,", "a".repeat(5000)]) expect(acceptedDateLocale(header), String(header)).toBe("en-US");
  });
});
