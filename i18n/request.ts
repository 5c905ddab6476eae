// next-intl's per-request configuration (no locale in the URL): the locale is chosen from the
// `locale` cookie, then Accept-Language, then DEFAULT_LOCALE (lib/i18n/choose-locale.ts).
import { getRequestConfig } from "next-intl/server";
import { isShippedLocale } from "@/lib/i18n/locales";
import { MESSAGES } from "@/lib/i18n/messages";
import { currentLocale } from "@/lib/i18n/request-locale";

export default getRequestConfig(async ({ requestLocale }) => {
  // getTranslations({ locale }) passes one explicitly (route handlers, metadata).
  const asked = await requestLocale;
  const locale = isShippedLocale(asked) ? asked : await currentLocale();
  // Dates are formatted in the browser's own time zone by the components; UTC is the server's.
  return { locale, messages: MESSAGES[locale], timeZone: "UTC" };
});
