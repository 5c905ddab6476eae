/**
 * Phone numbers: parsed and normalised to E.164 with libphonenumber-js (full metadata, so numbers
 * are checked against real numbering plans, not a regex). Accepts international input with "+",
 * "00" or — like the seed's clients — digits only with the country code ("255694230173"),
 * and national input for PHONE_DEFAULT_COUNTRY.
 */
import { toAsciiDigits } from "./digits";
import { parsePhoneNumberFromString, type CountryCode, type NumberType } from "libphonenumber-js/max";

export type PhoneConfig = { defaultCountry: string; allowedCountries: string[] };

export type ParsedPhone = { e164: string; country: string | undefined };

export type PhoneProblem = "empty" | "invalid" | "not_mobile" | "country_not_allowed";

export class PhoneError extends Error {
  constructor(readonly problem: PhoneProblem) {
    super(problem);
  }
}

// Only what people type into a phone field (after toAsciiDigits); anything else (letters, markup) is junk.
const PHONE_CHARS = /^[0-9+()\-.\s/]{1,32}$/;
// SMS cannot reach these, and premium/shared-cost ranges are what SMS-pumping fraud targets.
const REFUSED_TYPES: NumberType[] = ["FIXED_LINE", "PREMIUM_RATE", "TOLL_FREE", "SHARED_COST", "UAN", "VOICEMAIL", "PAGER"];

function tryParse(text: string, defaultCountry?: string) {
  const parsed = parsePhoneNumberFromString(text, defaultCountry as CountryCode | undefined);
  return parsed?.isValid() ? parsed : undefined;
}

/** Returns the E.164 form, or throws PhoneError saying what is wrong. */
export function parsePhone(input: string, config: PhoneConfig): ParsedPhone {
  // Any script's decimal digits are digits (Arabic-Indic, Persian, fullwidth, …), as in the Django guide.
  const text = toAsciiDigits(input).trim();
  if (!text) throw new PhoneError("empty");
  if (!PHONE_CHARS.test(text)) throw new PhoneError("invalid");
  const compact = text.replace(/[\s().\-/]/g, "");
  const international = compact.startsWith("+") || compact.startsWith("00");
  const parsed = international
    ? tryParse(compact.startsWith("00") ? `+${compact.slice(2)}` : compact)
    : (tryParse(compact, config.defaultCountry) ?? tryParse(`+${compact}`));
  if (!parsed) throw new PhoneError("invalid");
  const type = parsed.getType();
  if (type && REFUSED_TYPES.includes(type)) throw new PhoneError("not_mobile");
  const country = parsed.country;
  if (config.allowedCountries.length && (!country || !config.allowedCountries.includes(country))) {
    throw new PhoneError("country_not_allowed");
  }
  return { e164: parsed.number, country };
}

/** "+255694230173" → "+255 69••••173": enough to recognise, not enough to harvest. */
export function maskPhone(e164: string): string {
  if (e164.length < 8) return e164;
  return `${e164.slice(0, 4)} ${e164.slice(4, 6)}${"•".repeat(Math.max(0, e164.length - 9))}${e164.slice(-3)}`;
}
