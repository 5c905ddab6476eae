/** What the login form says about each problem: the same plain words with and without JavaScript. */
import type { LoginLimits, LoginProblem } from "@/lib/login/state";
import { formatClock } from "./local-time";

export const NO_CONNECTION_TEXT = "No connection — try again. What you typed is kept.";

/** "5 codes per hour — try again at 21:40": which limit, and when it opens again in the reader's time. */
export function rateLimitText(problem: LoginProblem, limits: LoginLimits, timeZone: string): string {
  const at = problem.retryAt ? formatClock(problem.retryAt, timeZone, problem.limit === "cooldown" ? "time-seconds" : "time") : null;
  const when = at ? `try again at ${at}` : "try again later";
  switch (problem.limit) {
    case "cooldown":
      return `One code every ${limits.cooldownSeconds} seconds — ${when}.`;
    case "phone_hour":
      return `${limits.perPhoneHour} codes per hour for this number — ${when}.`;
    case "phone_day":
      return `${limits.perPhoneDay} codes per day for this number — ${when}.`;
    case "ip_hour":
      return `${limits.perIpHour} codes per hour from your network — ${when}.`;
    case "verify_ip_hour":
      return `${limits.verifyPerIpHour} code checks per hour from your network — ${when}.`;
    default:
      return `Too many requests — ${when}.`;
  }
}

export function problemText(problem: LoginProblem, limits: LoginLimits, timeZone: string): string {
  switch (problem.code) {
    case "network_error":
      return NO_CONNECTION_TEXT;
    case "rate_limited":
      return rateLimitText(problem, limits, timeZone);
    case "invalid_phone":
      return problem.message || "That phone number isn't valid. Check the country and the number.";
    case "validation_error":
      return problem.message || "Check what you typed.";
    case "invalid_code": {
      const left = problem.attemptsLeft;
      return left === undefined ? "That code isn't right. Check the SMS and try again." : `That code isn't right. You have ${left} attempt${left === 1 ? "" : "s"} left.`;
    }
    case "expired":
      return "This code has expired. Send a new code to continue.";
    case "locked":
      return "Too many wrong codes, so this code is now locked. Send a new code to continue.";
    case "not_found":
      return "There is no active code for this number. Send a new code.";
    case "sms_failed":
      return "We couldn't send the SMS just now. Please try again in a moment.";
    case "blocked": // the fraud guard: the server's wording discloses no rule
    case "challenge_required":
      return problem.message || "Please try again in a moment.";
    case "database_unavailable":
      return "The service is busy right now. Please try again in a few seconds.";
    default:
      return "Something went wrong on our side. Please try again.";
  }
}

/** "4:32": minutes and seconds left. */
export function clockWait(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
