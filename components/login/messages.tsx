/** What the login form says about each problem: the same words with and without JavaScript, in the page's language. */
import type { ReactNode } from "react";
import type { LoginProblem } from "@/lib/login/state";
import type { LoginTexts } from "@/lib/login/texts";
import { formatClock } from "./local-time";
import { fillNodes, Ltr } from "./texts";

type Limit = Exclude<keyof LoginTexts["limits"], "retryAt" | "retryLater" | "other">;
const isLimit = (value: string | undefined, texts: LoginTexts): value is Limit =>
  !!value && value in texts.limits && !["retryAt", "retryLater", "other"].includes(value);

/** "5 codes per hour for this number — try again at 21:40": which limit, and when it opens again in the reader's time. */
export function rateLimitText(problem: LoginProblem, texts: LoginTexts, timeZone: string, locale: string): ReactNode {
  const limit = isLimit(problem.limit, texts) ? texts.limits[problem.limit] : texts.limits.other;
  if (!problem.retryAt) return fillNodes(texts.limits.retryLater, { limit });
  const at = formatClock(problem.retryAt, timeZone, problem.limit === "cooldown" ? "time-seconds" : "time", locale);
  return fillNodes(texts.limits.retryAt, { limit, time: <Ltr>{at}</Ltr> });
}

const PHONE_REASONS: Record<string, keyof LoginTexts["problems"]> = {
  empty: "phoneEmpty",
  invalid: "phoneInvalid",
  not_mobile: "phoneNotMobile",
  country_not_allowed: "phoneCountryNotAllowed",
};

export function problemText(problem: LoginProblem, texts: LoginTexts, timeZone: string, locale: string): ReactNode {
  const p = texts.problems;
  switch (problem.code) {
    case "network_error":
      return p.noConnection;
    case "rate_limited":
      return rateLimitText(problem, texts, timeZone, locale);
    case "invalid_phone": {
      const key = PHONE_REASONS[problem.reason ?? "invalid"] ?? "phoneInvalid";
      return p[key] as string;
    }
    case "validation_error":
      if (problem.reason === "code_incomplete") return p.codeIncomplete;
      if (problem.reason === "code_format") return p.codeDigitsOnly;
      return p.checkInput;
    case "invalid_code": {
      const left = problem.attemptsLeft;
      return left === undefined ? p.codeWrong : (p.codeWrongAttempts[left] ?? p.codeWrong);
    }
    case "expired":
      return p.expired;
    case "locked":
      return p.locked;
    case "not_found":
      return p.notFound;
    case "sms_failed":
      return p.smsFailed;
    case "blocked": // the fraud guard: the wording discloses no rule
      return p.blocked;
    case "challenge_required":
      return p.tryLater;
    case "database_unavailable":
      return p.busy;
    default:
      return p.internal;
  }
}

/** "4:32": minutes and seconds left. */
export function clockWait(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
