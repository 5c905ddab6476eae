/**
 * Unicode decimal digits (any \p{Nd}: Arabic-Indic ٤, Persian ۴, Devanagari ४, fullwidth ４, …) to
 * ASCII 0–9. Python's int() and the Django guide accept them, and phones type them; everything
 * after this step compares ASCII only. Other characters, including superscripts and circled
 * numbers (No, not Nd), are left as they are, so validation still refuses them.
 * Used on both sides (server schemas, the seed adapter, the login form), so no "server-only".
 */
const NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/gu;
const IS_DIGIT = /^\p{Nd}$/u;

/**
 * The digit's value. Unicode guarantees that every Nd character belongs to a contiguous run of ten,
 * zero to nine (some runs follow each other, e.g. the mathematical digits), so the value is the
 * distance from the start of its run of digits, modulo ten.
 */
function digitValue(char: string): number {
  let cp = char.codePointAt(0)!;
  let offset = 0;
  while (IS_DIGIT.test(String.fromCodePoint(cp - 1))) {
    cp -= 1;
    offset += 1;
  }
  return offset % 10;
}

export function toAsciiDigits(value: string): string {
  return value.replace(NON_ASCII_DIGIT, (char) => String(digitValue(char)));
}
