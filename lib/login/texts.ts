/**
 * The login form's words in the page's language, as plain strings for the client component: the
 * message files stay on the server and no ICU formatter ships to the browser (/login's JS budget).
 * Values the server knows (code length, limits, attempts) are formatted here; values that change
 * in the browser (a countdown, a time, the dial code) stay as "{name}" slots that
 * components/login/texts.ts fills.
 */
import "server-only";
import { createTranslator } from "next-intl";
import type { Locale } from "@/lib/i18n/locales";
import { MESSAGES } from "@/lib/i18n/messages";
import type { LoginLimits } from "./state";

/** Messages of the `login` namespace that take no values. */
const PLAIN = [
  "phoneTitle", "phoneDescription", "country", "searchCountries", "allCountries", "phoneNumber", "checking", "tryAgain", "sendCode", "haveCode",
  "confirmTitle", "confirmDescription", "sendingCode", "confirmYes", "confirmNo", "codeTitle", "wrongNumber", "change", "signingIn", "verify",
  "didntGetIt", "sendNewCode", "resendCode", "sending", "canSendNew", "canAskNew", "verified", "devMode", "devInbox", "checkingBrowser",
] as const;

const PROBLEMS = [
  "noConnection", "phoneEmpty", "phoneInvalid", "phoneNotMobile", "phoneCountryNotAllowed", "checkInput", "codeDigitsOnly", "codeWrong",
  "expired", "locked", "notFound", "smsFailed", "tryLater", "blocked", "busy", "internal",
] as const;

const slot = (name: string) => `{${name}}`;

export function loginTexts(locale: Locale, config: { codeLength: number; maxAttempts: number; limits: LoginLimits }) {
  // The message files directly (as countries.ts and channel-options.ts do): no request scope needed.
  const t = createTranslator({ locale, messages: MESSAGES[locale], namespace: "login" });
  const common = createTranslator({ locale, messages: MESSAGES[locale], namespace: "common" });
  const { codeLength: length, limits } = config;
  const limit = (key: "cooldown" | "phoneHour" | "phoneDay" | "ipHour" | "verifyIpHour", count: number) => t(`limits.${key}`, { count });
  return {
    ...(Object.fromEntries(PLAIN.map((key) => [key, t(key)])) as Record<(typeof PLAIN)[number], string>),
    alreadySignedInAs: t("alreadySignedInAs", { phone: slot("phone") }),
    goToAccount: common("goToAccount"),
    phoneHint: t("phoneHint", { dial: slot("dial") }),
    codeSentTo: t("codeSentTo", { length, phone: slot("phone") }),
    codeEnterSentTo: t("codeEnterSentTo", { phone: slot("phone") }),
    codeLabel: t("codeLabel", { length }),
    expiresIn: t("expiresIn", { time: slot("time") }),
    worksUntil: t("worksUntil", { time: slot("time") }),
    resendIn: t("resendIn", { label: slot("label"), seconds: slot("seconds") }),
    resendFrom: t("resendFrom", { label: slot("label"), time: slot("time") }),
    notices: { resent: t("notices.resent"), stillWorks: t("notices.stillWorks") },
    problems: {
      ...(Object.fromEntries(PROBLEMS.map((key) => [key, t(`problems.${key}`)])) as Record<(typeof PROBLEMS)[number], string>),
      codeIncomplete: t("problems.codeIncomplete", { length }),
      /** Index = attempts left. */
      codeWrongAttempts: Array.from({ length: config.maxAttempts + 1 }, (_, count) => t("problems.codeWrongAttempts", { count })),
    },
    limits: {
      cooldown: limit("cooldown", limits.cooldownSeconds),
      phone_hour: limit("phoneHour", limits.perPhoneHour),
      phone_day: limit("phoneDay", limits.perPhoneDay),
      ip_hour: limit("ipHour", limits.perIpHour),
      verify_ip_hour: limit("verifyIpHour", limits.verifyPerIpHour),
      other: t("limits.other"),
      retryAt: t("limits.retryAt", { limit: slot("limit"), time: slot("time") }),
      retryLater: t("limits.retryLater", { limit: slot("limit") }),
    },
  };
}

export type LoginTexts = ReturnType<typeof loginTexts>;
