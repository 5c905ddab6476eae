import { describe, expect, it } from "vitest";
import { SHIPPED_LOCALES } from "../i18n/locales";
import { countSegments, smsTemplateWarnings } from "./segments";
import { renderOtpMessage } from "./template";
import { testEnv } from "./test-gateway";

describe("countSegments", () => {
  it("counts GSM-7 extension characters twice and keeps them GSM-7", () => {
    expect(countSegments("€".repeat(80))).toEqual({ encoding: "GSM-7", segments: 1, characters: 160 });
    expect(countSegments("€".repeat(81)).segments).toBe(2);
  });

  it("makes a text with any non-GSM character UCS-2, an emoji taking two code units", () => {
    expect(countSegments("ê")).toMatchObject({ encoding: "UCS-2", characters: 1 });
    expect(countSegments("😀".repeat(35))).toEqual({ encoding: "UCS-2", segments: 1, characters: 70 });
    expect(countSegments("😀".repeat(35) + "a").segments).toBe(2);
  });
});

describe("shipped SMS texts fit one segment", () => {
  // The default APP_NAME and code length, with the WebOTP line for a 14-character host.
  const config = testEnv({ WEBOTP_DOMAIN: "otp.example.tz" });
  for (const locale of SHIPPED_LOCALES) {
    for (const purpose of config.OTP_PURPOSES) {
      it(`${locale} × ${purpose}, WebOTP line included`, () => {
        const { text } = renderOtpMessage({ code: "9".repeat(config.OTP_LENGTH), purpose, ttlSeconds: config.OTP_TTL_SECONDS, locale }, config);
        const count = countSegments(text);
        expect(count.segments, `${count.encoding}, ${count.characters} characters`).toBe(1);
        expect(count.encoding).toBe(locale === "ar" ? "UCS-2" : "GSM-7");
      });
    }
  }

  it("the Latin-script texts fit even with a 10-digit code and a long WebOTP host", () => {
    const config = testEnv({ OTP_LENGTH: "10", WEBOTP_DOMAIN: "login.accounts.example.co.tz", APP_NAME: "Example Payments" });
    expect(smsTemplateWarnings({ ...config, LOCALES: ["en", "sw", "fr"] })).toEqual([]);
  });
});

describe("smsTemplateWarnings (shown at start)", () => {
  it("says nothing at the defaults", () => {
    expect(smsTemplateWarnings(testEnv({}))).toEqual([]);
  });

  it("names a configured template that needs two segments and its count", () => {
    const warnings = smsTemplateWarnings(testEnv({ SMS_TEMPLATE_SW: `${"x".repeat(160)} {code}` }));
    expect(warnings).toEqual([expect.stringMatching(/^SMS_TEMPLATE_SW renders to 2 SMS segments for sw \(GSM-7, 167 characters .*one segment holds 160\): shorten it$/)]);
  });

  it("warns when APP_NAME and the WebOTP host push the shipped Arabic text past 70 UCS-2 characters", () => {
    const warnings = smsTemplateWarnings(testEnv({ APP_NAME: "Example Payments", WEBOTP_DOMAIN: "login.example.co.tz" }));
    expect(warnings).toEqual([expect.stringMatching(/^The shipped ar template \(messages\/ar\.json sms\.code\) renders to 2 SMS segments for ar \(UCS-2, \d+ characters with APP_NAME, a 6-digit code and the WebOTP line; one segment holds 70\): set SMS_TEMPLATE_AR to a shorter text$/)]);
  });

  it("warns about a template for a locale that LOCALES does not offer", () => {
    expect(smsTemplateWarnings(testEnv({ LOCALES: "en,sw", SMS_TEMPLATE_LOGIN_AR: "رمز {code}" }))).toEqual([
      "SMS_TEMPLATE_LOGIN_AR is for 'ar', which is not in LOCALES (en, sw): it is never sent",
    ]);
  });
});
