import type { Metadata } from "next";
import { cookies } from "next/headers";
import { LoginForm } from "@/components/login/login-form";
import { LogoLink } from "@/components/ui/logo";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { getSessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { channelStrings, loginChannelRoutes } from "@/lib/login/channel-options";
import { countryGroups, isCountryCode } from "@/lib/login/countries";
import { decodeStep, LOGIN_STEP_COOKIE, publicState } from "@/lib/login/step";

// Reads the session, the login-step cookie and runtime configuration: rendered per request.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Log in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const config = env();
  const callbackUrl = safeCallbackUrl(first(params.callbackUrl), config.NEXTAUTH_URL);
  const [user, jar] = await Promise.all([getSessionUser(), cookies()]);
  const step = publicState(await decodeStep(jar.get(LOGIN_STEP_COOKIE)?.value));
  const country = isCountryCode(config.PHONE_DEFAULT_COUNTRY) ? config.PHONE_DEFAULT_COUNTRY : "TZ";
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-4 px-4 py-6 sm:justify-center sm:gap-6 sm:py-16">
      <LogoLink />
      <LoginForm
        initial={step}
        countries={countryGroups(country)}
        defaultCountry={country}
        codeLength={config.OTP_LENGTH}
        limits={{
          cooldownSeconds: config.OTP_RESEND_COOLDOWN_SECONDS,
          perPhoneHour: config.OTP_MAX_SENDS_PER_PHONE_PER_HOUR,
          perPhoneDay: config.OTP_MAX_SENDS_PER_PHONE_PER_DAY,
          perIpHour: config.OTP_MAX_SENDS_PER_IP_PER_HOUR,
          verifyPerIpHour: config.OTP_MAX_VERIFY_PER_IP_PER_HOUR,
        }}
        showDevInbox={config.SMS_PROVIDER.includes("console")}
        callbackUrl={callbackUrl}
        signedInAs={user?.phone}
        notice={first(params.signedOut) ? "You have signed out." : null}
        channelOptions={{ routes: loginChannelRoutes(), strings: channelStrings() }}
      />
    </main>
  );
}
