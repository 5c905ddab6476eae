/**
 * SMS per language, end to end: sendOtp against a real HTTP server speaking mShastra's API. The text
 * the gateway receives is in the requested locale, or the number's country's language, fits one
 * segment, and the verification records the locale.
 */
import { expect, it } from "vitest";
import { AppError } from "@/lib/api/errors";
import type { Db } from "@/lib/db";
import { sendOtp } from "@/lib/otp/service";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { createTestContext } from "@/test/otp-context";
import { countSegments } from "./segments";
import { reply, withFakeGateway } from "./test-gateway";

const PASSWORD = "languages-mshastra-Pa55";
const fake = withFakeGateway([PASSWORD]);
let serial = 0;

function context(db: Db, vars: Record<string, string> = {}) {
  fake.answer = (_req, res) => reply(res, 200, JSON.stringify([{ msg_id: `77${++serial}`, number: "x", str_response: "Send Successful" }]));
  return createTestContext(db, {
    SMS_PROVIDER: "mshastra",
    MSHASTRA_API_URL: `${fake.gateway.url}/sendsms_api_json.aspx`,
    MSHASTRA_USER: "languages",
    MSHASTRA_PASSWORD: PASSWORD,
    MSHASTRA_SENDER: "PHONEOTP",
    OTP_RESEND_COOLDOWN_SECONDS: "0",
    WEBOTP_DOMAIN: "otp.example.tz",
    ...vars,
  }).ctx;
}

/** The text the gateway received for the latest send. */
function capturedText(): string {
  return JSON.parse(fake.gateway.requests.at(-1)!.body)[0].msg as string;
}

// A different valid mobile number per call in each country (libphonenumber's ranges).
const numberIn = {
  SN: () => `+22177${String(1_000_000 + ++serial).slice(-7)}`,
  EG: () => `+2010${String(10_000_000 + ++serial).slice(-8)}`,
  GB: () => `+447400${String(100_000 + ++serial).slice(-6)}`,
};

const LANGUAGE = {
  en: /^Your PhoneOTP code is (\d{6})\. It expires in 5 minutes\. Never share this code with anyone\.\n\n@otp\.example\.tz #\1$/,
  sw: /^Msimbo wako wa PhoneOTP ni (\d{6})\. Muda wake unaisha baada ya dakika 5\. Usimpe mtu yeyote msimbo huu\.\n\n@otp\.example\.tz #\1$/,
  fr: /^Votre code PhoneOTP est (\d{6})\. Il expire dans 5 minutes\. Ne partagez jamais ce code avec personne\.\n\n@otp\.example\.tz #\1$/,
  ar: /^رمز PhoneOTP: (\d{6})\nصالح 5 دقائق\. لا تشاركه\.\n\n@otp\.example\.tz #\1$/,
} as const;

async function expectSentIn(db: Db, verificationId: string, locale: keyof typeof LANGUAGE) {
  const text = capturedText();
  expect(text).toMatch(LANGUAGE[locale]);
  expect(countSegments(text)).toMatchObject({ segments: 1, encoding: locale === "ar" ? "UCS-2" : "GSM-7" });
  const row = await db.verification.findUniqueOrThrow({ where: { id: verificationId } });
  expect(row.smsLocale).toBe(locale);
}

describeEachDatabase("SMS in the caller's or the country's language, over a real gateway", (use) => {
  it("writes the SMS in the requested locale, whatever the number's country", async () => {
    const { db } = use();
    const ctx = context(db);
    for (const locale of ["sw", "fr", "ar"] as const) {
      const sent = await sendOtp(ctx, { phone: numberIn.GB(), locale });
      await expectSentIn(db, sent.verificationId, locale);
    }
  });

  it("without a locale, writes in the country's language: Tanzania Swahili, Senegal French, Egypt Arabic, elsewhere DEFAULT_LOCALE", async () => {
    const { db } = use();
    const ctx = context(db);
    const cases = [[uniquePhone(), "sw"], [numberIn.SN(), "fr"], [numberIn.EG(), "ar"], [numberIn.GB(), "en"]] as const;
    for (const [phone, locale] of cases) {
      const sent = await sendOtp(ctx, { phone });
      await expectSentIn(db, sent.verificationId, locale);
    }
  });

  it("uses SMS_LOCALE_BY_COUNTRY and SMS_TEMPLATE_<LOCALE> when configured", async () => {
    const { db } = use();
    const ctx = context(db, { SMS_LOCALE_BY_COUNTRY: "GB:fr", SMS_TEMPLATE_FR: "Code {app} : {code}" });
    const sent = await sendOtp(ctx, { phone: numberIn.GB() });
    expect(capturedText()).toMatch(/^Code PhoneOTP : \d{6}\n\n@otp\.example\.tz #\d{6}$/);
    expect((await db.verification.findUniqueOrThrow({ where: { id: sent.verificationId } })).smsLocale).toBe("fr");
  });

  it("refuses a locale outside LOCALES with a 400 naming the field, and sends nothing", async () => {
    const { db } = use();
    const ctx = context(db, { LOCALES: "en,sw" });
    const error = await sendOtp(ctx, { phone: uniquePhone(), locale: "fr" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).toBody()).toEqual({
      error: { code: "validation_error", message: "Unknown locale. Use one of: en, sw.", fields: { locale: "Unknown locale. Use one of: en, sw." } },
    });
    expect(fake.gateway.requests).toHaveLength(0);
  });
});
