/**
 * The country list of the login form, built on the server (names from Intl, dial codes and example
 * numbers from libphonenumber-js) and sent as HTML options: no flag images or metadata in the
 * browser's JavaScript. The default country's region comes first ("East Africa" for TZ).
 */
import "server-only";
import { getCountries, getCountryCallingCode, getExampleNumber, type CountryCode } from "libphonenumber-js";
import examples from "libphonenumber-js/mobile/examples";
import metadata from "libphonenumber-js/min/metadata";

export type CountryOption = {
  code: string;
  name: string;
  dial: string;
  /** "e.g. 0712 345 678": a mobile number as people there write it. */
  example: string;
  /** The main country of a shared dial code (US for +1): chosen when "+1…" is typed. */
  isMain?: boolean;
};

export type CountryGroups = { region: { name: string; countries: CountryOption[] } | null; all: CountryOption[] };

/** Neighbours listed first, by region; a country outside these gets itself first. */
const REGIONS: { name: string; countries: string[] }[] = [
  { name: "East Africa", countries: ["TZ", "KE", "UG", "RW", "BI", "SS", "ET", "SO", "DJ", "ER", "CD", "MZ", "MW", "ZM"] },
  { name: "West Africa", countries: ["NG", "GH", "CI", "SN", "CM", "BJ", "TG", "BF", "ML", "NE", "GN", "SL", "LR", "GM"] },
  { name: "Southern Africa", countries: ["ZA", "ZW", "BW", "NA", "LS", "SZ", "ZM", "MW", "MZ", "AO"] },
  { name: "North Africa", countries: ["EG", "MA", "DZ", "TN", "LY", "SD"] },
  { name: "South Asia", countries: ["IN", "PK", "BD", "LK", "NP", "BT", "MV"] },
  { name: "Europe", countries: ["GB", "IE", "FR", "DE", "NL", "BE", "ES", "PT", "IT", "CH", "AT", "SE", "NO", "DK", "FI", "PL"] },
  { name: "North America", countries: ["US", "CA", "MX"] },
];

let cached: { all: CountryOption[]; byCode: Map<string, CountryOption> } | undefined;

function build() {
  const names = new Intl.DisplayNames(["en"], { type: "region" });
  const mains = (metadata as unknown as { country_calling_codes: Record<string, string[]> }).country_calling_codes;
  const all = getCountries()
    .map((code): CountryOption => {
      const dial = getCountryCallingCode(code);
      const example = getExampleNumber(code, examples);
      return { code, name: names.of(code) ?? code, dial, example: example ? `e.g. ${example.formatNational()}` : "Phone number", ...(mains[dial]?.[0] === code && { isMain: true }) };
    })
    .sort((a, b) => a.name.localeCompare(b.name, "en"));
  return { all, byCode: new Map(all.map((c) => [c.code, c])) };
}

export function countryGroups(defaultCountry: string): CountryGroups {
  cached ??= build();
  const region = REGIONS.find((r) => r.countries[0] === defaultCountry) ?? REGIONS.find((r) => r.countries.includes(defaultCountry));
  const codes = region ? [defaultCountry, ...region.countries.filter((c) => c !== defaultCountry)] : [defaultCountry];
  const first = codes.map((c) => cached!.byCode.get(c)).filter((c): c is CountryOption => !!c);
  return { region: first.length ? { name: region?.name ?? "Suggested", countries: first } : null, all: cached.all };
}

export function isCountryCode(code: string): code is CountryCode {
  cached ??= build();
  return cached.byCode.has(code);
}
