import { describe, expect, it } from "vitest";
import { toAsciiDigits } from "./digits";

describe("toAsciiDigits", () => {
  it("turns Arabic-Indic, Persian, Devanagari, fullwidth and mathematical digits into ASCII", () => {
    expect(toAsciiDigits("٤٩٨٩")).toBe("4989");
    expect(toAsciiDigits("۰۱۲۳۴۵۶۷۸۹")).toBe("0123456789");
    expect(toAsciiDigits("०१२३४५६७८९")).toBe("0123456789");
    expect(toAsciiDigits("０１２３４５６７８９")).toBe("0123456789");
    // U+1D7CE… five runs of ten in a row (bold, double-struck, sans, sans bold, monospace).
    expect(toAsciiDigits("𝟎𝟗𝟘𝟡𝟬𝟵")).toBe("090909");
  });

  it("converts every \\p{Nd} character to the ASCII digit of its value", () => {
    // Scan the whole code space: each Nd character's run of ten starts at a zero.
    const ascii = [];
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const char = String.fromCodePoint(cp);
      if (/\p{Nd}/u.test(char)) ascii.push(toAsciiDigits(char));
    }
    expect(ascii.length).toBeGreaterThan(600);
    expect(ascii.every((d) => /^[0-9]$/.test(d))).toBe(true);
    expect(ascii.filter((d) => d === "0").length * 10).toBe(ascii.length);
  });

  it("keeps ASCII, letters, signs, spaces, superscripts and circled numbers as they are", () => {
    expect(toAsciiDigits("+255 694-230 173")).toBe("+255 694-230 173");
    expect(toAsciiDigits("12a4²①")).toBe("12a4²①");
    expect(toAsciiDigits("")).toBe("");
  });

  it("handles mixed scripts in one string", () => {
    expect(toAsciiDigits("+٢٥٥ 694 ۲۳۰ १७३")).toBe("+255 694 230 173");
  });
});
