import { describe, expect, it } from "vitest";
import { safeReturnPath, switchLocale } from "./switch";

describe("the language switcher's post", () => {
  it("goes back to the same page, with its query, /login included", () => {
    expect(safeReturnPath("/login")).toBe("/login");
    expect(safeReturnPath("/login?callbackUrl=%2Fadmin")).toBe("/login?callbackUrl=%2Fadmin");
    expect(safeReturnPath("/account")).toBe("/account");
    expect(safeReturnPath("/")).toBe("/");
  });

  it("never goes to another site, whatever is posted", () => {
    for (const evil of ["https://evil.example/", "//evil.example", "/\\evil.example", "/login//evil.example", "/.//evil.example", "javascript:alert(1)", "/\t/evil.example"]) {
      const path = safeReturnPath(evil);
      expect(path, evil).toMatch(/^\/(?![/\\])/);
      expect(new URL(path, "http://app.test").origin, evil).toBe("http://app.test");
    }
    expect(safeReturnPath(null)).toBe("/");
    expect(safeReturnPath("/api/otp/send")).toBe("/");
  });

  it("accepts only an offered locale", () => {
    expect(switchLocale("sw", ["en", "sw"])).toBe("sw");
    expect(switchLocale(" AR ", ["en", "ar"])).toBe("ar");
    expect(switchLocale("fr", ["en", "sw"])).toBeNull();
    expect(switchLocale("de", ["en", "sw"])).toBeNull();
    expect(switchLocale(null, ["en"])).toBeNull();
  });
});
