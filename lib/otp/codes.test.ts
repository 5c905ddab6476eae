import { describe, expect, it } from "vitest";
import { generateCode, hashCode, hashToken } from "./codes";

describe("codes", () => {
  it("generates codes of the configured length with leading zeros kept", () => {
    for (const length of [4, 6, 10]) {
      for (let i = 0; i < 200; i++) expect(generateCode(length)).toMatch(new RegExp(`^\\d{${length}}$`));
    }
  });
  it("spreads codes over the whole range (no modulo bias toward low digits)", () => {
    const firstDigits = new Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) firstDigits[Number(generateCode(6)[0])] += 1;
    for (const n of firstDigits) expect(n).toBeGreaterThan(1_600);
  });
  it("binds the hash to secret, phone, purpose and code", () => {
    const h = hashCode("s".repeat(32), "+255694230173", "Login", "123456");
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashCode("t".repeat(32), "+255694230173", "Login", "123456")).not.toBe(h);
    expect(hashCode("s".repeat(32), "+255694230174", "Login", "123456")).not.toBe(h);
    expect(hashCode("s".repeat(32), "+255694230173", "Registration", "123456")).not.toBe(h);
    expect(hashCode("s".repeat(32), "+255694230173", "Login", "123457")).not.toBe(h);
    expect(hashToken("s".repeat(32), "123456")).not.toBe(h);
  });
});
