import "server-only";
import { SegmentedMessage } from "sms-segments-calculator";
import type { Env } from "../env";
import { isShippedLocale, type Locale } from "../i18n/locales";
import { renderOtpMessage, templateFor } from "./template";

export type SegmentCount = { encoding: "GSM-7" | "UCS-2"; segments: number; characters: number };

/** One segment holds 160 GSM-7 or 70 UCS-2 characters (153 / 67 each once split). */
export const SINGLE_SEGMENT_LIMIT = { "GSM-7": 160, "UCS-2": 70 } as const;

/**
 * How an SMS travels, counted by Twilio's segment calculator: GSM-7 extension characters (€, [, …)
 * count twice, and any character outside GSM-7 makes the whole text UCS-2, where a character beyond
 * the BMP (an emoji) takes two code units.
 */
export function countSegments(text: string): SegmentCount {
  const message = new SegmentedMessage(text, "auto");
  const isGsm = message.encodingName === "GSM-7";
  // GSM-7: septets (an extension character is two). UCS-2: UTF-16 code units, as the network counts them.
  return { encoding: isGsm ? "GSM-7" : "UCS-2", segments: message.segmentsCount, characters: isGsm ? message.numberOfCharacters : text.length };
}

/**
 * Start-time check: every template in use (each of LOCALES × OTP_PURPOSES, configured or shipped),
 * rendered with a code of OTP_LENGTH digits, APP_NAME, OTP_TTL_SECONDS and the WebOTP line, must fit
 * one segment. A longer one still works — it costs more and some phones split it — so it is a
 * warning, one per template, naming its segment count. Templates for a locale not in LOCALES are
 * never used: that is a warning too.
 */
export function smsTemplateWarnings(config: Env): string[] {
  const warnings = new Map<string, string>();
  const code = "0".repeat(config.OTP_LENGTH);
  for (const locale of config.LOCALES.filter(isShippedLocale)) {
    for (const purpose of config.OTP_PURPOSES) {
      const choice = templateFor(purpose, locale, config);
      const where = choice.source === "configured" ? choice.variable : `shipped:${locale}`;
      if (warnings.has(where)) continue;
      const count = countSegments(renderOtpMessage({ code, purpose, ttlSeconds: config.OTP_TTL_SECONDS, locale }, config).text);
      if (count.segments <= 1) continue;
      const [label, fix] =
        choice.source === "configured"
          ? [choice.variable, "shorten it"]
          : [`The shipped ${locale} template (messages/${locale}.json sms.code)`, `set SMS_TEMPLATE_${locale.toUpperCase()} to a shorter text`];
      const parts = `APP_NAME, a ${config.OTP_LENGTH}-digit code${config.WEBOTP_DOMAIN ? " and the WebOTP line" : ""}`;
      warnings.set(where, `${label} renders to ${count.segments} SMS segments for ${locale} (${count.encoding}, ${count.characters} characters with ${parts}; one segment holds ${SINGLE_SEGMENT_LIMIT[count.encoding]}): ${fix}`);
    }
  }
  for (const key of Object.keys(config.SMS_TEMPLATES)) {
    const locale = key.split(":")[1] as Locale | "*";
    if (locale !== "*" && !config.LOCALES.includes(locale)) {
      warnings.set(`unused:${key}`, `SMS_TEMPLATE_${key.replace(/^\*:/, "").replace(":", "_").toUpperCase()} is for '${locale}', which is not in LOCALES (${config.LOCALES.join(", ")}): it is never sent`);
    }
  }
  return [...warnings.values()];
}
