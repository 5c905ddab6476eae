"use client";

import { getExampleNumber } from "libphonenumber-js";
import examples from "libphonenumber-js/mobile/examples";
import { forwardRef, useState, type ChangeEvent, type InputHTMLAttributes } from "react";
import PhoneInput, { type Country } from "react-phone-number-input";
import flags from "react-phone-number-input/flags";
import labels from "react-phone-number-input/locale/en";
import "react-phone-number-input/style.css";
import "./phone-field.css";
import { toAsciiDigits } from "@/lib/digits";

/**
 * The number input, reading any script's decimal digits (Devanagari, Bengali, Thai, …) as ASCII before
 * the formatter sees them: the library itself knows only a few (Arabic-Indic, Persian, fullwidth).
 */
const DigitsInput = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function DigitsInput({ onChange, ...props }, ref) {
  return (
    <input
      {...props}
      ref={ref}
      onChange={(event: ChangeEvent<HTMLInputElement>) => {
        const ascii = toAsciiDigits(event.target.value);
        if (ascii !== event.target.value) event.target.value = ascii;
        onChange?.(event);
      }}
    />
  );
});

/** "e.g. 0621 234 567": a mobile number of `country` as people write it there. */
function examplePlaceholder(country: Country | undefined): string {
  const example = country ? getExampleNumber(country, examples) : undefined;
  return example ? `e.g. ${example.formatNational()}` : "Phone number";
}

/** Phone number with a country selector, formatted as typed; `onChange` receives E.164 (or undefined). */
export function PhoneField({
  id,
  value,
  onChange,
  defaultCountry,
  invalid,
  describedBy,
  disabled,
}: {
  id: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  defaultCountry: Country;
  invalid: boolean;
  describedBy: string;
  disabled?: boolean;
}) {
  const [country, setCountry] = useState<Country | undefined>(defaultCountry);
  return (
    <PhoneInput
      id={id}
      name="phone"
      value={value}
      onChange={onChange}
      defaultCountry={defaultCountry}
      onCountryChange={setCountry}
      // Bundled SVG flags: the default loads images from a CDN, which the CSP (img-src 'self') blocks.
      flags={flags}
      inputComponent={DigitsInput}
      labels={labels}
      international={false}
      addInternationalOption={false}
      focusInputOnCountrySelection
      autoComplete="tel"
      disabled={disabled}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      countrySelectProps={{ "aria-label": "Country", disabled }}
      className="min-h-12 w-full rounded-lg border border-slate-300 bg-white text-base text-slate-900 focus-within:border-brand-600 focus-within:outline-2 focus-within:outline-brand-600/40 dark:focus-within:outline-blue-400/70 has-[input[aria-invalid=true]]:border-red-600 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:focus-within:border-blue-400 dark:has-[input[aria-invalid=true]]:border-red-400"
      numberInputProps={{
        className: "min-h-12 rounded-r-lg bg-transparent px-3 text-base outline-none placeholder:text-slate-500 dark:placeholder:text-slate-400",
        placeholder: examplePlaceholder(country),
      }}
    />
  );
}
