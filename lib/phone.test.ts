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
    expect(problem("+255 22 211 1111")).toBe("not_mobile"); // Dar es Salaam landline
    expect(problem("+44 909 876 0000")).toBe("not_mobile"); // UK premium rate
  });
  it("applies the country allow-list", () => {
    const config = { defaultCountry: "TZ", allowedCountries: ["TZ", "KE"] };
    expect(problem("+447911123456", config)).toBe("country_not_allowed");
    expect(problem("+254712345678", config)).toBe("ok");
  });
});

describe("maskPhone", () => {
  it("keeps the country code and last digits only", () => {
    expect(maskPhone("+255694230173")).toBe("+255 69••••173");
  });
});
