import { describe, expect, it } from "vitest";
import { knownTimeZone, timeZoneCookie } from "./time-zone";

describe("knownTimeZone", () => {
  it("accepts IANA zone names the runtime knows", () => {
    expect(knownTimeZone("Africa/Dar_es_Salaam")).toBe("Africa/Dar_es_Salaam");
    expect(knownTimeZone("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(knownTimeZone("UTC")).toBe("UTC");
  });

  it("refuses unknown, empty, oversized and odd values instead of throwing", () => {
    for (const value of [undefined, null, "", "Mars/Olympus_Mons", "Africa/Dar es Salaam", "x".repeat(65), "<script>", "Europe/London;"]) {
      expect(knownTimeZone(value), String(value)).toBeNull();
    }
  });

  it("writes a cookie the whole site reads back, for a year", () => {
    expect(timeZoneCookie("America/Argentina/Buenos_Aires")).toBe("tz=America%2FArgentina%2FBuenos_Aires; Path=/; Max-Age=31536000; SameSite=Lax");
  });
});
