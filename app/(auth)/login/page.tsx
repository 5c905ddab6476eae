import type { Metadata } from "next";
import { cookies } from "next/headers";
import { getLocale, getTranslations } from "next-intl/server";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { LoginForm } from "@/components/login/login-form";
import { LogoLink } from "@/components/ui/logo";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { getSessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { channelStrings, loginChannelRoutes } from "@/lib/login/channel-options";
import { countryGroups, isCountryCode } from "@/lib/login/countries";
import { decodeStep, LOGIN_STEP_COOKIE, publicState } from "@/lib/login/step";
import { loginTexts } from "@/lib/login/texts";
import { MESSAGES } from "@/lib/i18n/messages";

// Reads the session, the login-step cookie and runtime configuration: rendered per request.
export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta");
  return { title: t("login"), description: t("loginDescription") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const config = env();
  const callbackUrl = safeCallbackUrl(first(params.callbackUrl), config.NEXTAUTH_URL);
  const [user, jar, locale, t, common] = await Promise.all([getSessionUser(), cookies(), getLocale(), getTranslations("login"), getTranslations("common")]);
  const step = publicState(await decodeStep(jar.get(LOGIN_STEP_COOKIE)?.value));
  const country = isCountryCode(config.PHONE_DEFAULT_COUNTRY) ? config.PHONE_DEFAULT_COUNTRY : "TZ";
  const limits = {
    cooldownSeconds: config.OTP_RESEND_COOLDOWN_SECONDS,
    perPhoneHour: config.OTP_MAX_SENDS_PER_PHONE_PER_HOUR,
    perPhoneDay: config.OTP_MAX_SENDS_PER_PHONE_PER_DAY,
    perIpHour: config.OTP_MAX_SENDS_PER_IP_PER_HOUR,
    verifyPerIpHour: config.OTP_MAX_VERIFY_PER_IP_PER_HOUR,
  };
  // The form's words as plain strings (no message files or formatter in the browser's JavaScript).
  const texts = await loginTexts(locale, { codeLength: config.OTP_LENGTH, maxAttempts: config.OTP_MAX_ATTEMPTS, limits });
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-4 px-4 py-6 sm:justify-center sm:gap-6 sm:py-16">
      <LogoLink label={common("homeLink")} />
      <LoginForm
        initial={step}
        locale={locale}
        texts={texts}
        countries={countryGroups(country, locale)}
        defaultCountry={country}
        codeLength={config.OTP_LENGTH}
        showDevInbox={config.SMS_PROVIDER.includes("console")}
        callbackUrl={callbackUrl}
        signedInAs={user?.phone}
        notice={first(params.signedOut) ? t("signedOut") : null}
        channelOptions={{ routes: loginChannelRoutes(), strings: channelStrings(MESSAGES[locale], locale) }}
      />
      <LanguageSwitcher />
    </main>
  );
}
