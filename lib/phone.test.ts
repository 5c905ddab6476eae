import { describe, expect, it } from "vitest";
import { maskPhone, parsePhone, PhoneError, type PhoneConfig } from "./phone";

const TZ: PhoneConfig = { defaultCountry: "TZ", allowedCountries: [] };

function problem(input: string, config = TZ) {
  try {
    parsePhone(input, config);
  } catch (error) {
    return (error as PhoneError).problem;
  }
  return "ok";
}

describe("parsePhone", () => {
  it("normalises international, seed-style and national input to E.164", () => {
    expect(parsePhone("+255 694 230 173", TZ)).toEqual({ e164: "+255694230173", country: "TZ" });
    expect(parsePhone("255694230173", TZ).e164).toBe("+255694230173");
    expect(parsePhone("00255694230173", TZ).e164).toBe("+255694230173");
    expect(parsePhone("0694-230-173", TZ).e164).toBe("+255694230173");
    expect(parsePhone("(0694) 230 173", TZ).e164).toBe("+255694230173");
  });
  it("reads digits-only numbers of other countries by their country code", () => {
    expect(parsePhone("447911123456", TZ).e164).toBe("+447911123456");
    expect(parsePhone("0712345678", { defaultCountry: "KE", allowedCountries: [] }).e164).toBe("+254712345678");
  });
  it("reads any script's decimal digits as digits (Arabic-Indic, Persian, Devanagari, fullwidth)", () => {
    expect(parsePhone("٠٦٩٤٢٣٠١٧٣", TZ).e164).toBe("+255694230173");
    expect(parsePhone("+۲۵۵ ۶۹۴ ۲۳۰ ۱۷۳", TZ).e164).toBe("+255694230173");
    expect(parsePhone("०६९४२३०१७३", TZ).e164).toBe("+255694230173");
    expect(parsePhone("０６９４２３０１７３", TZ).e164).toBe("+255694230173");
  });
  it("rejects empty, junk, superscript digits and impossible numbers", () => {
    expect(problem("  ")).toBe("empty");
    expect(problem("hello")).toBe("invalid");
    expect(problem("⁰⁶⁹⁴²³⁰¹⁷³")).toBe("invalid");
    expect(problem("+1 2")).toBe("invalid");
    expect(problem("+2556942301739999")).toBe("invalid");
    expect(problem("' OR 1=1 --")).toBe("invalid");
  });
  it("refuses numbers that cannot receive SMS or invite SMS pumping", () => {
    expect(problem("+255 22 211 1111")).toBe("landline"); // Dar es Salaam landline
    expect(problem("+44 909 876 0000")).toBe("premium"); // UK premium rate
  });
  it("refuses VoIP, premium-rate, shared-cost, toll-free, pager and personal numbers by default", () => {
    expect(problem("+44 56 1234 5678")).toBe("voip"); // UK VoIP range
    expect(problem("+44 7640 123456")).toBe("not_mobile"); // UK pager
    expect(problem("+44 70 1234 5678")).toBe("not_mobile"); // UK personal number
    expect(problem("+44 843 123 4567")).toBe("premium"); // UK shared cost
    expect(problem("+255 800 123 456")).toBe("premium"); // TZ toll free
    expect(problem("+255 694 230 173")).toBe("ok"); // TZ mobile
    expect(problem("+1 201 555 0123")).toBe("ok"); // US: mobile and fixed lines share ranges
  });
  it("refuses satellite, international-network and UIFN numbers, which belong to no country", () => {
    for (const number of ["+881 631 234 567", "+870 773 111 632", "+882 16 0012 345", "+883 510 012 345", "+800 1234 5678"]) {
      expect(problem(number)).toBe("non_geographic");
      expect(problem(number, { defaultCountry: "TZ", allowedCountries: ["*"], allowedTypes: ["MOBILE", "VOIP", "TOLL_FREE"] })).toBe("non_geographic");
    }
    // An operator who really serves them lists the non-geographic "region" 001 (and their types).
    expect(problem("+881 631 234 567", { defaultCountry: "TZ", allowedCountries: ["001"] })).toBe("ok");
  });
  it("lets PHONE_ALLOWED_TYPES widen the policy", () => {
    const config = { defaultCountry: "TZ", allowedCountries: [], allowedTypes: ["MOBILE", "FIXED_LINE_OR_MOBILE", "VOIP"] };
    expect(problem("+44 56 1234 5678", config)).toBe("ok");
    expect(problem("+44 909 876 0000", config)).toBe("premium");
  });
  it("applies the country allow-list", () => {
    const config = { defaultCountry: "TZ", allowedCountries: ["TZ", "KE"] };
    expect(problem("+447911123456", config)).toBe("country_not_allowed");
    expect(problem("+254712345678", config)).toBe("ok");
    expect(problem("+447911123456", { defaultCountry: "TZ", allowedCountries: ["*"] })).toBe("ok");
  });
});

describe("maskPhone", () => {
  it("keeps the country code and last digits only", () => {
    expect(maskPhone("+255694230173")).toBe("+255 69••••173");
  });
});
