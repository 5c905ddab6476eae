import { describe, expect, it } from "vitest";
import { phoneSearchFragment } from "./phone-search";

describe("admin phone search", () => {
  it("reads a national number with its trunk 0 as the default country's international prefix", () => {
    expect(phoneSearchFragment("0712", "TZ")).toBe("+255712");
    expect(phoneSearchFragment("0712345678", "KE")).toBe("+254712345678");
  });
  it("reads 00 as + and leaves international and bare fragments as typed", () => {
    expect(phoneSearchFragment("00255712", "TZ")).toBe("+255712");
    expect(phoneSearchFragment("+255712", "TZ")).toBe("+255712");
    expect(phoneSearchFragment("345678", "TZ")).toBe("345678");
    expect(phoneSearchFragment("0", "TZ")).toBe("0");
  });
});
