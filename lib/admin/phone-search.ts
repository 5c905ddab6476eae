/**
 * Admins type numbers the way people say them: "0712 345…" means +255712345… under
 * PHONE_DEFAULT_COUNTRY (TZ). Stored phones are E.164, so a leading trunk 0 becomes the country code.
 */
import { getCountryCallingCode, type CountryCode } from "libphonenumber-js";

/** "0712" → "+255712" (for `defaultCountry` TZ); anything else is returned as it is. */
export function phoneSearchFragment(fragment: string, defaultCountry: string): string {
  if (!/^0\d/.test(fragment) || fragment.startsWith("00")) return fragment.startsWith("00") ? `+${fragment.slice(2)}` : fragment;
  try {
    return `+${getCountryCallingCode(defaultCountry as CountryCode)}${fragment.slice(1)}`;
  } catch {
    return fragment;
  }
}
