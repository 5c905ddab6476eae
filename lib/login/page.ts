/**
 * Everything the /login document shows, read and formatted on the server for one request: the
 * session, the login-step cookie, the language, the form's words, the countries, the channels and
 * the callbackUrl (same-origin only). The route handler (app/(auth)/login/route.ts) renders it with
 * the page's own bundle (lib/login/page-html.ts).
 */
import "server-only";
import { cookies } from "next/headers";
import { getTranslations } from "next-intl/server";
import { languageSwitcherProps } from "@/components/i18n/language-switcher";
import type { LoginDocumentProps } from "@/components/login/login-document";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { getSessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { currentLocale } from "@/lib/i18n/request-locale";
import { MESSAGES } from "@/lib/i18n/messages";
import { channelStrings, loginChannelRoutes } from "./channel-options";
import { countryGroups, isCountryCode } from "./countries";
import { decodeStep, LOGIN_STEP_COOKIE, publicState } from "./step";
import { loginTexts } from "./texts";

/** The props of the whole document but its stylesheets (those come from the build). */
export async function loginDocumentProps(params: URLSearchParams): Promise<Omit<LoginDocumentProps, "stylesheets">> {
  const config = env();
  const callbackUrl = safeCallbackUrl(params.get("callbackUrl"), config.NEXTAUTH_URL);
  const locale = await currentLocale();
  const [user, jar, t, meta, common, languages] = await Promise.all([
    getSessionUser(),
    cookies(),
    getTranslations({ locale, namespace: "login" }),
    getTranslations({ locale, namespace: "meta" }),
    getTranslations({ locale, namespace: "common" }),
    languageSwitcherProps(),
  ]);
  const step = publicState(await decodeStep(jar.get(LOGIN_STEP_COOKIE)?.value));
  const country = isCountryCode(config.PHONE_DEFAULT_COUNTRY) ? config.PHONE_DEFAULT_COUNTRY : "TZ";
  const limits = {
    cooldownSeconds: config.OTP_RESEND_COOLDOWN_SECONDS,
    perPhoneHour: config.OTP_MAX_SENDS_PER_PHONE_PER_HOUR,
    perPhoneDay: config.OTP_MAX_SENDS_PER_PHONE_PER_DAY,
    perIpHour: config.OTP_MAX_SENDS_PER_IP_PER_HOUR,
    verifyPerIpHour: config.OTP_MAX_VERIFY_PER_IP_PER_HOUR,
  };
  return {
    // The root layout's title template ("%s · PhoneOTP").
    title: `${meta("login")} · PhoneOTP`,
    description: meta("loginDescription"),
    homeLabel: common("homeLink"),
    languages,
    form: {
      initial: step,
      locale,
      // The form's words as plain strings (no message files or formatter in the browser's JavaScript).
      texts: loginTexts(locale, { codeLength: config.OTP_LENGTH, maxAttempts: config.OTP_MAX_ATTEMPTS, limits }),
      countries: countryGroups(country, locale),
      defaultCountry: country,
      codeLength: config.OTP_LENGTH,
      showDevInbox: config.SMS_PROVIDER.includes("console"),
      callbackUrl,
      signedInAs: user?.phone ?? null,
      notice: params.get("signedOut") ? t("signedOut") : null,
      channelOptions: { routes: loginChannelRoutes(), strings: channelStrings(MESSAGES[locale], locale) },
    },
  };
}
