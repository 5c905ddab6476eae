/**
 * The login form's steps on the server, shared by the no-JavaScript form posts and the form's own
 * fetches: the same OTP domain functions as the HTTP API (sendOtp, verifyOtp),
 * the number parsed under the country the person picked, and the result as the next LoginState.
 */
import "server-only";
import { isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";
import { AppError } from "@/lib/api/errors";
import { LOGIN_PURPOSE } from "@/lib/auth/options";
import { startSession, type SessionCookie } from "@/lib/auth/session-token";
import type { RequestMeta } from "@/lib/auth/users";
import { env } from "@/lib/env";
import { getOtpContext } from "@/lib/otp/context";
import { sendOtp, verifyOtp } from "@/lib/otp/service";
import { parsePhone, PhoneError } from "@/lib/phone";
import { toAsciiDigits } from "@/lib/digits";
import type { Locale } from "@/lib/i18n/locales";
import { MESSAGES } from "@/lib/i18n/messages";
import { offeredLocales } from "@/lib/i18n/request-locale";
import { channelStrings, loginChannelRoutes } from "./channel-options";
import { isChannel, offeredChannels, requestedChannel } from "./channels";
import type { LoginProblem } from "./state";
import type { StoredStep } from "./step";

export type SendIntent = "send" | "confirm" | "have-code" | "resend" | "change";
const INTENTS: readonly SendIntent[] = ["send", "confirm", "have-code", "resend", "change"];

export function parseIntent(value: string | null): SendIntent {
  return INTENTS.find((i) => i === value) ?? "send";
}

function problemOf(error: unknown): LoginProblem {
  // The page words the problem in its own language from `code` and `reason` (components/login/messages.tsx).
  if (error instanceof PhoneError) return { code: "invalid_phone", message: error.message, reason: error.problem };
  if (error instanceof AppError) {
    const { attemptsLeft, retryAfter, limit } = error.details;
    return {
      code: error.code,
      message: error.message,
      ...(attemptsLeft !== undefined && { attemptsLeft }),
      ...(retryAfter !== undefined && { retryAt: Date.now() + retryAfter * 1000 }),
      ...(limit && { limit }),
    };
  }
  throw error;
}

/** The country to read national input in: the one picked when it is real, else PHONE_DEFAULT_COUNTRY. */
export function pickCountry(value: string | null | undefined): string {
  const upper = value?.trim().toUpperCase();
  return upper && /^[A-Z]{2}$/.test(upper) && isSupportedCountry(upper) ? upper : env().PHONE_DEFAULT_COUNTRY;
}

/** "+254…", "00254…", "254…" or national digits of `country`: E.164 and the country it belongs to. */
export function readPhone(input: string, country: string): { e164: string; country: string } {
  const parsed = parsePhone(toAsciiDigits(input), { defaultCountry: country, allowedCountries: env().PHONE_ALLOWED_COUNTRIES });
  return { e164: parsed.e164, country: parsed.country ?? country };
}

/** "+255712345678" → "+255 712 345 678". */
export function displayPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

const DEAD = new Set(["expired", "locked", "not_found"]);

/** One press of a button in the number, confirm or resend form. */
export async function sendStep(
  current: StoredStep | null,
  // `locale`: the page's language, for the SMS (an offered locale or undefined: lib/i18n/request-locale.ts).
  // `channel`: the channel button pressed (sms, whatsapp, voice); none for "Send code" and "Resend code".
  form: { intent: SendIntent; phone: string; country: string | null; challenge?: string | null; locale?: Locale; channel?: string | null },
  meta: RequestMeta,
): Promise<StoredStep> {
  const confirmed = current?.confirmed ?? [];
  const country = pickCountry(form.country ?? current?.country);
  // The confirm form posts the parsed number; keep what the person typed for "Change".
  const input = (form.intent === "confirm" || form.intent === "resend" ? (current?.input ?? form.phone) : form.phone).slice(0, 64);
  if (form.intent === "change") {
    return { stage: "phone", country: current?.country ?? country, input: current?.input, sent: current?.sent, confirmed };
  }
  let phone: { e164: string; country: string };
  try {
    if (form.intent === "resend") {
      const target = current?.sent?.phone;
      if (!target) return { stage: "phone", country, confirmed };
      phone = { e164: target, country: current?.country ?? country };
    } else {
      phone = readPhone(input, country);
    }
  } catch (error) {
    return { stage: "phone", country, input, sent: current?.sent, confirmed, phoneError: problemOf(error) };
  }
  const base = { country: phone.country, input, confirmed };
  if (form.intent === "have-code") {
    return { ...base, stage: "code", sent: current?.sent?.phone === phone.e164 ? { ...current.sent, isDead: false } : { phone: phone.e164, display: displayPhone(phone.e164) } };
  }
  // The same number again while its code still works and a resend would be refused: back to it.
  const previous = current?.sent;
  if (form.intent !== "resend" && previous?.phone === phone.e164 && !previous.isDead && previous.expiresAt && previous.resendAfter && Date.now() < previous.resendAfter && Date.now() < previous.expiresAt) {
    return { ...base, stage: "code", sent: previous, notice: "stillWorks" };
  }
  if (form.intent === "send" && !confirmed.includes(phone.e164)) {
    return { ...base, stage: "confirm", pending: { phone: phone.e164, display: displayPhone(phone.e164) }, sent: current?.sent };
  }
  try {
    // Only the channels the page offers for this number's country; the same cooldown and limits
    // apply whichever is pressed (they count sends per phone, not per channel).
    const channel = requestedChannel(form.channel, previous?.phone === phone.e164 ? previous.channel : undefined, offeredChannels(loginChannelRoutes(), phone.country));
    if (!channel) {
      // A post without the page's language (no JavaScript on an old page, a hand-made post): DEFAULT_LOCALE.
      const locale = form.locale ?? offeredLocales().fallback;
      const message = channelStrings(MESSAGES[locale], locale).notOffered[isChannel(form.channel) ? form.channel : "sms"];
      throw new AppError("validation_error", message, { fields: { channel: message } });
    }
    const request = { phone: phone.e164, purpose: LOGIN_PURPOSE, challenge: form.challenge?.slice(0, 4096) || undefined, locale: form.locale, channel, ...meta };
    const result = await sendOtp(await getOtpContext(), request);
    return {
      ...base,
      confirmed: confirmed.includes(phone.e164) ? confirmed : [...confirmed, phone.e164],
      stage: "code",
      sent: { phone: result.phone, display: displayPhone(result.phone), verificationId: result.verificationId, expiresAt: result.expiresAt.getTime(), resendAfter: result.resendAfter.getTime(), channel: result.channel },
      notice: form.intent === "resend" ? "resent" : undefined,
    };
  } catch (error) {
    const problem = problemOf(error);
    if (form.intent === "resend" && current?.sent) {
      const resendAfter = problem.retryAt ?? current.sent.resendAfter;
      return { ...base, stage: "code", sent: { ...current.sent, resendAfter }, codeError: problem };
    }
    return { ...base, stage: "phone", sent: current?.sent, phoneError: problem };
  }
}

/** The code form: a session cookie for a right code, else the code step with the problem. */
export async function verifyStep(
  current: StoredStep | null,
  code: string,
  meta: RequestMeta,
): Promise<{ cookie: SessionCookie } | { step: StoredStep }> {
  const sent = current?.sent;
  if (!current || !sent) return { step: { stage: "phone", country: current?.country, confirmed: current?.confirmed } };
  const digits = toAsciiDigits(code).replace(/\s/g, "");
  if (!/^[0-9]{4,10}$/.test(digits)) {
    return { step: { ...current, stage: "code", notice: undefined, codeError: { code: "validation_error", message: "Enter the code from the SMS, digits only.", reason: "code_format" } } };
  }
  try {
    const ctx = await getOtpContext();
    // The verify spends its login token itself: this form opens the session, nobody else may.
    const result = await verifyOtp(ctx, { phone: sent.phone, code: digits, purpose: LOGIN_PURPOSE, spendLoginToken: true, ...meta });
    const { cookie } = await startSession({ phone: result.phone, verificationId: result.verificationId, ...meta });
    return { cookie };
  } catch (error) {
    const problem = problemOf(error);
    return { step: { ...current, stage: "code", notice: undefined, sent: { ...sent, isDead: DEAD.has(problem.code) }, codeError: problem } };
  }
}
