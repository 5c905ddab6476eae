import { formatPhoneNumberIntl } from "react-phone-number-input";

/** "+255712345678" → "+255 ••• ••• 678": recognisable to its owner, not readable over a shoulder. */
export function maskPhone(e164: string): string {
  const formatted = formatPhoneNumberIntl(e164) || e164;
  const space = formatted.indexOf(" ");
  if (space < 0) return formatted.replace(/\d(?=\d{3})/g, "•");
  const national = formatted.slice(space + 1);
  const digits = national.replace(/\D/g, "").length;
  let seen = 0;
  const masked = national.replace(/\d/g, (d) => (++seen > digits - 3 ? d : "•"));
  return `${formatted.slice(0, space)} ${masked}`;
}
