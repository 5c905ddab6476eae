/**
 * Phone numbers: parsed and normalised to E.164 with libphonenumber-js (full metadata, so numbers
 * are checked against real numbering plans, not a regex). Accepts international input with "+",
 * "00" or — like the seed's clients — digits only with the country code ("255694230173"),
 * and national input for PHONE_DEFAULT_COUNTRY.
 */
import { toAsciiDigits } from "./digits";
import { parsePhoneNumberFromString, type CountryCode, type NumberType as AnyNumberType } from "libphonenumber-js/max";

type NumberType = Exclude<AnyNumberType, undefined>;

export type PhoneConfig = {
  defaultCountry: string;
  /** ISO codes; empty or "*" = every country; "001" also admits non-geographic numbers. */
  allowedCountries: string[];
  /** libphonenumber types that may receive codes (PHONE_ALLOWED_TYPES); empty = the default below. */
  allowedTypes?: string[];
};

export type ParsedPhone = { e164: string; country: string | undefined };

export type PhoneProblem =
  | "empty"
  | "invalid"
  | "not_mobile"
  | "landline"
  | "voip"
  | "premium"
  | "non_geographic"
  | "country_not_allowed";

export class PhoneError extends Error {
  constructor(readonly problem: PhoneProblem) {
    super(problem);
  }
}

// Only what people type into a phone field (after toAsciiDigits); anything else (letters, markup) is junk.
const PHONE_CHARS = /^[0-9+()\-.\s/]{1,32}$/;
/** Every type libphonenumber-js/max reports (getType()). */
export const NUMBER_TYPES: NumberType[] = [
  "MOBILE", "FIXED_LINE_OR_MOBILE", "FIXED_LINE", "VOIP", "PERSONAL_NUMBER", "PAGER",
  "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "UAN", "VOICEMAIL",
];
// Only numbers a person carries: VoIP and personal numbers are free to mint in bulk, and premium,
// shared-cost and satellite ranges are what SMS-pumping fraud targets (the operator earns per SMS).
export const DEFAULT_ALLOWED_TYPES: NumberType[] = ["MOBILE", "FIXED_LINE_OR_MOBILE"];
/** The region libphonenumber gives non-geographic codes: satellite (+881, +870), networks (+882, +883), UIFN (+800). */
export const NON_GEOGRAPHIC = "001";

const TYPE_PROBLEM: Partial<Record<NumberType, PhoneProblem>> = {
  FIXED_LINE: "landline",
  VOIP: "voip",
  PREMIUM_RATE: "premium",
  SHARED_COST: "premium",
  TOLL_FREE: "premium",
  UAN: "premium",
};

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
  const country = parsed.country;
  // Non-geographic codes belong to no country: refused unless the operator lists "001" itself.
  if (!country && !config.allowedCountries.includes(NON_GEOGRAPHIC)) throw new PhoneError("non_geographic");
  // Unknown type (undefined) is refused too: nothing says a person can receive an SMS there.
  const type = parsed.getType();
  const allowedTypes = config.allowedTypes?.length ? config.allowedTypes : DEFAULT_ALLOWED_TYPES;
  if (!type || !(allowedTypes as string[]).includes(type)) throw new PhoneError((type && TYPE_PROBLEM[type]) || "not_mobile");
  const anyCountry = config.allowedCountries.length === 0 || config.allowedCountries.includes("*");
  if (country && !anyCountry && !config.allowedCountries.includes(country)) throw new PhoneError("country_not_allowed");
  return { e164: parsed.number, country };
}

/** "+255694230173" → "+255 69••••173": enough to recognise, not enough to harvest. */
export function maskPhone(e164: string): string {
  if (e164.length < 8) return e164;
  return `${e164.slice(0, 4)} ${e164.slice(4, 6)}${"•".repeat(Math.max(0, e164.length - 9))}${e164.slice(-3)}`;
}
