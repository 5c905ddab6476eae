import "server-only";
import type { Env } from "../env";

export type TemplateConfig = Pick<Env, "SMS_TEMPLATE" | "SMS_TEMPLATES" | "APP_NAME" | "WEBOTP_DOMAIN">;

export type OtpMessageInput = { code: string; purpose: string; ttlSeconds: number };

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

/** The template for a purpose: SMS_TEMPLATE_<PURPOSE> when set, else SMS_TEMPLATE. */
export function templateFor(purpose: string, config: Pick<TemplateConfig, "SMS_TEMPLATE" | "SMS_TEMPLATES">): string {
  return config.SMS_TEMPLATES[purpose.toLowerCase()] ?? config.SMS_TEMPLATE;
}

/**
 * Renders the OTP text. Placeholders are replaced in one pass, so an APP_NAME containing "{code}"
 * is never expanded. {minutes} rounds down (never promises more time than the code has), min 1.
 * With WEBOTP_DOMAIN the last line is "@<domain> #<code>" (WebOTP's origin-bound format).
 */
export function renderOtpMessage(input: OtpMessageInput, config: TemplateConfig): RenderedOtpMessage {
  const { code, purpose, ttlSeconds } = input;
  if (!/^\d{4,10}$/.test(code)) throw new Error("renderOtpMessage: the code must be 4-10 digits");
  const template = templateFor(purpose, config);
  if (!template.includes("{code}")) {
    // A template without the code would send a useless SMS; fail loudly instead.
    throw new Error(`SMS template for purpose '${purpose}' has no {code} placeholder`);
  }
  const minutes = String(Math.max(1, Math.floor(ttlSeconds / 60)));
  const values: Record<string, string> = { code, app: config.APP_NAME, minutes };
  let text = template.replace(PLACEHOLDER, (_, name: string) => values[name]);
  // The default template says "{minutes} minutes"; a code valid for one minute reads "1 minute".
  if (minutes === "1") text = text.replace(/\b1 minutes\b/g, "1 minute");
  if (config.WEBOTP_DOMAIN) text = `${text.trimEnd()}\n\n@${webOtpHost(config.WEBOTP_DOMAIN)} #${code}`;
  return { text, maskedText: maskCode(text, code) };
}

/** Replaces every occurrence of the code with the mask. */
export function maskCode(text: string, code: string): string {
  return code ? text.split(code).join(CODE_MASK) : text;
}
