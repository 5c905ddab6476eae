/**
 * The country list of the login form, built on the server (names from Intl, dial codes and example
 * numbers from libphonenumber-js) and sent as HTML options: no flag images or metadata in the
 * browser's JavaScript. The default country's region comes first ("East Africa" for TZ). Names
 * are in the reader's language (Intl.DisplayNames, no lists shipped) and sorted by its collation.
 */
import "server-only";
import { getCountries, getCountryCallingCode, getExampleNumber, type CountryCode } from "libphonenumber-js";
import examples from "libphonenumber-js/mobile/examples";
import metadata from "libphonenumber-js/min/metadata";
import { createTranslator } from "next-intl";
import type { Locale } from "@/lib/i18n/locales";
import { MESSAGES } from "@/lib/i18n/messages";

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

type RegionKey = keyof (typeof MESSAGES)["en"]["login"]["regions"];

/** Neighbours listed first, by region; a country outside these gets itself first. */
const REGIONS: { name: RegionKey; countries: string[] }[] = [
  { name: "eastAfrica", countries: ["TZ", "KE", "UG", "RW", "BI", "SS", "ET", "SO", "DJ", "ER", "CD", "MZ", "MW", "ZM"] },
  { name: "westAfrica", countries: ["NG", "GH", "CI", "SN", "CM", "BJ", "TG", "BF", "ML", "NE", "GN", "SL", "LR", "GM"] },
  { name: "southernAfrica", countries: ["ZA", "ZW", "BW", "NA", "LS", "SZ", "ZM", "MW", "MZ", "AO"] },
  { name: "northAfrica", countries: ["EG", "MA", "DZ", "TN", "LY", "SD"] },
  { name: "southAsia", countries: ["IN", "PK", "BD", "LK", "NP", "BT", "MV"] },
  { name: "europe", countries: ["GB", "IE", "FR", "DE", "NL", "BE", "ES", "PT", "IT", "CH", "AT", "SE", "NO", "DK", "FI", "PL"] },
  { name: "northAmerica", countries: ["US", "CA", "MX"] },
];

const cache = new Map<Locale, { all: CountryOption[]; byCode: Map<string, CountryOption> }>();

function build(locale: Locale) {
  const t = createTranslator({ locale, messages: MESSAGES[locale], namespace: "login" });
  const names = new Intl.DisplayNames([locale], { type: "region" });
  const collator = new Intl.Collator(locale);
  const mains = (metadata as unknown as { country_calling_codes: Record<string, string[]> }).country_calling_codes;
  const all = getCountries()
    .map((code): CountryOption => {
      const dial = getCountryCallingCode(code);
      const example = getExampleNumber(code, examples);
      return { code, name: names.of(code) ?? code, dial, example: example ? t("example", { number: example.formatNational() }) : t("phoneNumber"), ...(mains[dial]?.[0] === code && { isMain: true }) };
    })
    .sort((a, b) => collator.compare(a.name, b.name));
  return { all, byCode: new Map(all.map((c) => [c.code, c])) };
}

function countries(locale: Locale) {
  let built = cache.get(locale);
  if (!built) cache.set(locale, (built = build(locale)));
  return built;
}

export function countryGroups(defaultCountry: string, locale: Locale = "en"): CountryGroups {
  const { all, byCode } = countries(locale);
  const region = REGIONS.find((r) => r.countries[0] === defaultCountry) ?? REGIONS.find((r) => r.countries.includes(defaultCountry));
  const codes = region ? [defaultCountry, ...region.countries.filter((c) => c !== defaultCountry)] : [defaultCountry];
  const first = codes.map((c) => byCode.get(c)).filter((c): c is CountryOption => !!c);
  const t = createTranslator({ locale, messages: MESSAGES[locale], namespace: "login" });
  return { region: first.length ? { name: region ? t(`regions.${region.name}`) : t("suggested"), countries: first } : null, all };
}

export function isCountryCode(code: string): code is CountryCode {
  return countries("en").byCode.has(code);
}
