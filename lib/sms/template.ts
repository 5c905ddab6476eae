import "server-only";
import { createTranslator } from "use-intl/core";
import type { Env } from "../env";
import { MESSAGES } from "../i18n/messages";
import type { Locale } from "../i18n/locales";

export type TemplateConfig = Pick<Env, "SMS_TEMPLATE" | "SMS_TEMPLATES" | "APP_NAME" | "WEBOTP_DOMAIN" | "DEFAULT_LOCALE">;

export type OtpMessageInput = { code: string; purpose: string; ttlSeconds: number; locale: Locale };

export type RenderedOtpMessage = {
  /** What the phone receives, code included. Never log or store it. */
  text: string;
  /** The same text with every occurrence of the code replaced by MASK: safe to store and show. */
  maskedText: string;
};

export const CODE_MASK = "******";

const PLACEHOLDER = /\{(code|app|minutes)\}/g;

/** The host part WebOTP expects after "@": no scheme, path or trailing dot. */
export function webOtpHost(domain: string): string {
  return domain
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .replace(/[/?#].*$/, "")
    .replace(/\.$/, "")
    .toLowerCase();
}

/** Where a template comes from: an SMS_TEMPLATE* variable (plain placeholders) or a message file (ICU). */
export type TemplateChoice = { source: "configured"; variable: string; template: string } | { source: "shipped"; locale: Locale; template: string };

/**
 * The template for a purpose and locale, first found of: SMS_TEMPLATE_<PURPOSE>_<LOCALE>,
 * SMS_TEMPLATE_<LOCALE>, then — for DEFAULT_LOCALE only, as they were written before there were
 * locales — SMS_TEMPLATE_<PURPOSE> and SMS_TEMPLATE; else the shipped `sms.code` of messages/<locale>.json.
 */
export function templateFor(purpose: string, locale: Locale, config: Pick<TemplateConfig, "SMS_TEMPLATE" | "SMS_TEMPLATES" | "DEFAULT_LOCALE">): TemplateChoice {
  const p = purpose.toLowerCase();
  const candidates: [string, string | undefined][] = [
    [`SMS_TEMPLATE_${purpose.toUpperCase()}_${locale.toUpperCase()}`, config.SMS_TEMPLATES[`${p}:${locale}`]],
    [`SMS_TEMPLATE_${locale.toUpperCase()}`, config.SMS_TEMPLATES[`*:${locale}`]],
  ];
  if (locale === config.DEFAULT_LOCALE) {
    candidates.push([`SMS_TEMPLATE_${purpose.toUpperCase()}`, config.SMS_TEMPLATES[`${p}:*`]], ["SMS_TEMPLATE", config.SMS_TEMPLATE]);
  }
  for (const [variable, template] of candidates) if (template) return { source: "configured", variable, template };
  return { source: "shipped", locale, template: MESSAGES[locale].sms.code };
}

const shippedTranslators = new Map<Locale, ReturnType<typeof createTranslator>>();

function renderShipped(locale: Locale, values: { app: string; code: string; minutes: number }): string {
  let t = shippedTranslators.get(locale);
  if (!t) shippedTranslators.set(locale, (t = createTranslator({ locale, messages: MESSAGES[locale], namespace: "sms" }) as ReturnType<typeof createTranslator>));
  return (t as (key: string, values: Record<string, string | number>) => string)("code", values);
}

/**
 * Renders the OTP text. Placeholders are replaced in one pass, so an APP_NAME containing "{code}"
 * is never expanded. {minutes} rounds down (never promises more time than the code has), min 1.
 * Configured templates use plain {app} {code} {minutes}; the shipped ones are ICU messages (plurals).
 * With WEBOTP_DOMAIN the last line is "@<domain> #<code>" (WebOTP's origin-bound format).
 */
export function renderOtpMessage(input: OtpMessageInput, config: TemplateConfig): RenderedOtpMessage {
  const { code, purpose, ttlSeconds, locale } = input;
  if (!/^\d{4,10}$/.test(code)) throw new Error("renderOtpMessage: the code must be 4-10 digits");
  const choice = templateFor(purpose, locale, config);
  if (!choice.template.includes("{code}")) {
    // A template without the code would send a useless SMS; fail loudly instead.
    throw new Error(`SMS template for purpose '${purpose}' has no {code} placeholder`);
  }
  const minutes = Math.max(1, Math.floor(ttlSeconds / 60));
  let text: string;
  if (choice.source === "shipped") {
    text = renderShipped(locale, { app: config.APP_NAME, code, minutes });
  } else {
    const values: Record<string, string> = { code, app: config.APP_NAME, minutes: String(minutes) };
    text = choice.template.replace(PLACEHOLDER, (_, name: string) => values[name]);
    // A configured "{minutes} minutes" for a code valid for one minute reads "1 minute".
    if (minutes === 1) text = text.replace(/\b1 minutes\b/g, "1 minute");
  }
  if (config.WEBOTP_DOMAIN) text = `${text.trimEnd()}\n\n@${webOtpHost(config.WEBOTP_DOMAIN)} #${code}`;
  return { text, maskedText: maskCode(text, code) };
}

/** Replaces every occurrence of the code with the mask. */
export function maskCode(text: string, code: string): string {
  return code ? text.split(code).join(CODE_MASK) : text;
}
