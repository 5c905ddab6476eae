import "server-only";
import type { Env } from "../env";
import { failureFromFetchError, readBodyLimited, secretsFor, type ProviderResult } from "./http";
import { interpretTwilioAnswer } from "./twilio";
import type { SmsErrorCode, SmsProvider } from "./types";

export type TwilioVoiceConfig = Pick<
  Env,
  "TWILIO_API_URL" | "TWILIO_ACCOUNT_SID" | "TWILIO_AUTH_TOKEN" | "TWILIO_FROM" | "TWILIO_VOICE_FROM" | "TWILIO_VOICE_LANGUAGE" | "TWILIO_STATUS_CALLBACK_URL" | "APP_NAME"
>;

export function isVoiceConfigured(config: Pick<Env, "TWILIO_ACCOUNT_SID" | "TWILIO_AUTH_TOKEN" | "TWILIO_FROM" | "TWILIO_VOICE_FROM">): boolean {
  return !!(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && (config.TWILIO_VOICE_FROM ?? config.TWILIO_FROM));
}

/**
 * Languages Twilio's <Say> speaks with its standard voices, with the words we say in each. A
 * language outside this list is read in English (en-US) rather than by a voice that cannot say it.
 */
const SAY: Record<string, { intro: (app: string) => string; again: string }> = {
  "en-US": { intro: (app) => `Your ${app} code is`, again: "Again, your code is" },
  "en-GB": { intro: (app) => `Your ${app} code is`, again: "Again, your code is" },
  "fr-FR": { intro: (app) => `Votre code ${app} est`, again: "Je répète, votre code est" },
  "es-ES": { intro: (app) => `Su código de ${app} es`, again: "Repito, su código es" },
  "de-DE": { intro: (app) => `Ihr ${app} Code lautet`, again: "Noch einmal, Ihr Code lautet" },
  "pt-BR": { intro: (app) => `Seu código ${app} é`, again: "Repetindo, seu código é" },
  "it-IT": { intro: (app) => `Il tuo codice ${app} è`, again: "Ripeto, il tuo codice è" },
};

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);

/** Inline TwiML: the code read digit by digit ("4. 8. 2. …"), with a pause, twice. */
export function voiceTwiml(code: string, app: string, language: string): string {
  const lang = SAY[language] ? language : "en-US";
  const words = SAY[lang];
  const digits = code.split("").join(". ");
  const say = (text: string) => `<Say language="${lang}">${escapeXml(text)}</Say>`;
  return `<Response>${say(`${words.intro(app)}: ${digits}.`)}<Pause length="1"/>${say(`${words.again}: ${digits}.`)}</Response>`;
}

export function twilioCallsUrl(config: Pick<TwilioVoiceConfig, "TWILIO_API_URL" | "TWILIO_ACCOUNT_SID">): string {
  return `${config.TWILIO_API_URL.replace(/\/+$/, "")}/2010-04-01/Accounts/${encodeURIComponent(config.TWILIO_ACCOUNT_SID ?? "")}/Calls.json`;
}

/**
 * Twilio's Calls API: form POST of To, From and inline Twiml; success is 201 with a call sid. With
 * TWILIO_STATUS_CALLBACK_URL set, Twilio posts the call's final status there (its default event,
 * `completed`, carries CallStatus completed, busy, no-answer, failed or canceled).
 */
export function createTwilioVoiceProvider(config: TwilioVoiceConfig): SmsProvider {
  const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token } = config;
  const from = config.TWILIO_VOICE_FROM ?? config.TWILIO_FROM;
  if (!sid || !token || !from) throw new Error("voice: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_VOICE_FROM (or TWILIO_FROM) are required");
  const url = twilioCallsUrl(config);
  const authorization = `Basic ${Buffer.from(`${sid}:${token}`).toString("base64")}`;
  return {
    name: "twilio_voice",
    async send(message, signal): Promise<ProviderResult> {
      if (!message.code) return { provider: "twilio_voice", ok: false, status: "failed", errorCode: "invalid_message", errorMessage: "no code to read", transient: false };
      const form = new URLSearchParams({ To: message.to, From: from, Twiml: voiceTwiml(message.code, config.APP_NAME, message.language ?? config.TWILIO_VOICE_LANGUAGE) });
      if (config.TWILIO_STATUS_CALLBACK_URL) form.set("StatusCallback", config.TWILIO_STATUS_CALLBACK_URL);
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
          body: form,
          signal,
        });
        const body = await readBodyLimited(res);
        return { ...interpretTwilioAnswer(res.status, body, secretsFor(message, [token, sid, authorization, message.code])), provider: "twilio_voice" };
      } catch (error) {
        return failureFromFetchError("twilio_voice", error, signal);
      }
    },
  };
}

export type CallStatusReport = { status: "delivered" | "undelivered"; errorCode?: SmsErrorCode; errorMessage?: string };

/** SIP answers on a failed call that mean the number itself is wrong (not found, incomplete, gone, does not exist anywhere). */
const INVALID_NUMBER_SIP = new Set(["404", "410", "484", "604"]);

/**
 * A call's final CallStatus as a delivery status: `completed` means someone (or a voicemail) picked
 * up and the code was read; busy, no-answer, failed and canceled mean it was not heard. Queued,
 * ringing and in-progress are not final: null.
 */
export function callStatusReport(params: URLSearchParams): CallStatusReport | null {
  const status = (params.get("CallStatus") ?? "").trim().toLowerCase();
  const words = `Twilio call ${status}`;
  const sip = params.get("SipResponseCode")?.trim();
  switch (status) {
    case "completed":
      return { status: "delivered" };
    case "busy":
      return { status: "undelivered", errorCode: "busy", errorMessage: words };
    case "no-answer":
      return { status: "undelivered", errorCode: "no_answer", errorMessage: words };
    case "failed":
      return { status: "undelivered", errorCode: sip && INVALID_NUMBER_SIP.has(sip) ? "invalid_number" : "unknown", errorMessage: sip ? `${words} (SIP ${sip})` : words };
    case "canceled":
      return { status: "undelivered", errorCode: "unknown", errorMessage: words };
    default:
      return null;
  }
}
