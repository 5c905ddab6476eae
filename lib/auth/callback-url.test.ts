import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

describe("safeCallbackUrl", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(safeCallbackUrl("/admin/verifications?status=locked#top")).toBe("/admin/verifications?status=locked#top");
    expect(safeCallbackUrl("/account")).toBe("/account");
  });

  it("accepts an absolute URL only on the app's own origin", () => {
    expect(safeCallbackUrl("http://127.0.0.1:3210/admin", "http://127.0.0.1:3210")).toBe("/admin");
    expect(safeCallbackUrl("http://evil.example/admin", "http://127.0.0.1:3210")).toBeNull();
    expect(safeCallbackUrl("http://127.0.0.1:3210/admin")).toBeNull();
  });

  it("refuses protocol-relative, backslash and whitespace tricks that leave the site", () => {
    for (const value of ["//evil.example", "/\\evil.example", "/\t/evil.example", "\\\\evil.example", "javascript:alert(1)", "evil.example"]) {
      expect(safeCallbackUrl(value, "http://127.0.0.1:3210")).toBeNull();
    }
  });

  it("never returns a protocol-relative URL, even when one appears only after normalising the path", () => {
    const tricks = [
      "/.//evil.example",
      "/a/..//evil.example",
      "/%2e//evil.example",
      "/%2E%2E//evil.example",
      "/./\\evil.example",
      "/a/..\\/evil.example",
      "/.\\\\evil.example",
      "/%2e/\\evil.example",
      "http://127.0.0.1:3210/.//evil.example",
      "http://127.0.0.1:3210/a/..//evil.example",
    ];
    for (const value of tricks) {
      const result = safeCallbackUrl(value, "http://127.0.0.1:3210");
      expect({ value, result }).toEqual({ value, result: null });
    }
  });

  it("keeps a path whose dot segments normalise to an ordinary path", () => {
    expect(safeCallbackUrl("/admin/./verifications")).toBe("/admin/verifications");
    expect(safeCallbackUrl("/account/../admin")).toBe("/admin");
  });

  it("refuses the login page itself and API routes, and empty or oversized values", () => {
    expect(safeCallbackUrl("/login?callbackUrl=/admin")).toBeNull();
    expect(safeCallbackUrl("/api/auth/signout")).toBeNull();
    expect(safeCallbackUrl("")).toBeNull();
    expect(safeCallbackUrl(undefined)).toBeNull();
    expect(safeCallbackUrl(`/${"a".repeat(3000)}`)).toBeNull();
  });
});
