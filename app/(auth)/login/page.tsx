import { isSupportedCountry, type CountryCode } from "libphonenumber-js";
import type { Metadata } from "next";
import { LoginForm } from "@/components/login/login-form";
import { LogoLink } from "@/components/ui/logo";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { getSessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";

// Reads the session and runtime configuration: rendered per request, never prerendered at build.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Log in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const config = env();
  const callbackUrl = safeCallbackUrl(first(params.callbackUrl), config.NEXTAUTH_URL);
  const user = await getSessionUser();
  const country = isSupportedCountry(config.PHONE_DEFAULT_COUNTRY) ? (config.PHONE_DEFAULT_COUNTRY as CountryCode) : "TZ";
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col gap-4 px-4 py-6 sm:justify-center sm:gap-6 sm:py-16">
      <LogoLink />
      <LoginForm
        defaultCountry={country}
        codeLength={config.OTP_LENGTH}
        showDevInbox={config.SMS_PROVIDER.includes("console")}
        callbackUrl={callbackUrl}
        signedInAs={user?.phone}
        notice={first(params.signedOut) ? "You have signed out." : null}
      />
    </main>
  );
}
