import { describe, expect, it } from "vitest";
import { matchRequestedLocale, parseSmsLocaleByCountry, smsLocaleConfig, smsLocaleForCountry, smsTemplateKey } from "./locale";

const ALL = { LOCALES: ["en", "sw", "fr", "ar"], DEFAULT_LOCALE: "en" };

describe("smsLocaleForCountry", () => {
  it("writes to Tanzania, Kenya and Uganda in Swahili, francophone Africa in French and Arab countries in Arabic", () => {
    const config = smsLocaleConfig(ALL);
    expect(["TZ", "KE", "UG", "SN", "CI", "CD", "FR", "EG", "MA", "SA"].map((c) => smsLocaleForCountry(config, c))).toEqual(["sw", "sw", "sw", "fr", "fr", "fr", "fr", "ar", "ar", "ar"]);
  });

  it("falls back to DEFAULT_LOCALE for other countries and numbers without one", () => {
    const config = smsLocaleConfig({ ...ALL, DEFAULT_LOCALE: "sw" });
    expect(smsLocaleForCountry(config, "US")).toBe("sw");
    expect(smsLocaleForCountry(config, "BE")).toBe("sw");
    expect(smsLocaleForCountry(config, undefined)).toBe("sw");
  });

  it("lets SMS_LOCALE_BY_COUNTRY add and override countries", () => {
    const config = smsLocaleConfig({ ...ALL, SMS_LOCALE_BY_COUNTRY: "cd:sw, RW:sw, FR:en" });
    expect(["CD", "RW", "FR", "SN"].map((c) => smsLocaleForCountry(config, c))).toEqual(["sw", "sw", "en", "fr"]);
  });

  it("never picks a locale that LOCALES does not offer", () => {
    const config = smsLocaleConfig({ LOCALES: ["en", "sw"], DEFAULT_LOCALE: "en" });
    expect(["TZ", "SN", "EG"].map((c) => smsLocaleForCountry(config, c))).toEqual(["sw", "en", "en"]);
  });
});

describe("parseSmsLocaleByCountry", () => {
  it("refuses entries that are not country:locale with a shipped locale", () => {
    expect(() => parseSmsLocaleByCountry("TZ=sw")).toThrow("SMS_LOCALE_BY_COUNTRY: 'TZ=sw' must look like TZ:sw");
    expect(() => parseSmsLocaleByCountry("TZ:de")).toThrow(/'TZ:de'/);
  });
});

describe("matchRequestedLocale", () => {
  it("accepts a LOCALES code in any case or a tag with a region, and nothing else", () => {
    const config = smsLocaleConfig({ LOCALES: ["en", "sw", "fr"], DEFAULT_LOCALE: "en" });
    expect(["SW", "fr-CA", "sw_TZ", "ar", "de", "e"].map((l) => matchRequestedLocale(config, l))).toEqual(["sw", "fr", "sw", undefined, undefined, undefined]);
  });
});

describe("smsTemplateKey", () => {
  it("reads SMS_TEMPLATE_<LOCALE>, _<PURPOSE>_<LOCALE> and _<PURPOSE> suffixes", () => {
    expect(["SW", "LOGIN_SW", "LOGIN", "PASSWORD_RESET", "PASSWORD_RESET_AR"].map(smsTemplateKey)).toEqual(["*:sw", "login:sw", "login:*", "password_reset:*", "password_reset:ar"]);
  });
});
