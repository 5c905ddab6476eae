/** What the login form says about each API error: the same plain words wherever it happens. */
import type { ApiError } from "./api";

/** "45 seconds", "1 minute", "3 minutes", "about 2 hours". */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} second${s === 1 ? "" : "s"}`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 60);
  return `about ${hours} hour${hours === 1 ? "" : "s"}`;
}

export type FormMessage = {
  text: string;
  /** Offer to send a new code next to the message (the old one cannot be used any more). */
  offerResend?: boolean;
};

/** Said under the number when it cannot be a valid number: the form has a country picker, so no "country code". */
export const INVALID_PHONE_TEXT = "That phone number isn't valid. Check the country and the number.";

/** Said while sending is refused for a while; the Send button counts the wait down. */
export const SEND_WAIT_TEXT = "Please wait a moment before asking for another code.";

export function phoneErrorMessage(error: ApiError): FormMessage {
  switch (error.code) {
    case "invalid_phone":
    case "validation_error": {
      const text = error.details.fields?.phone ?? error.message;
      // The API's generic "invalid" wording asks API clients for a country code; on this form that
      // is the country picker. Its other phone messages (not a mobile, country not supported) fit as they are.
      return { text: !text || /country code/i.test(text) || error.code === "validation_error" ? INVALID_PHONE_TEXT : text };
    }
    case "rate_limited":
      return { text: SEND_WAIT_TEXT };
    case "sms_failed":
      return { text: "We couldn't send the SMS just now. Please try again in a moment." };
    case "blocked": // the fraud guard: the server's wording discloses no rule
    case "challenge_required":
      return { text: error.message };
    default:
      return commonMessage(error);
  }
}

export function codeErrorMessage(error: ApiError): FormMessage {
  switch (error.code) {
    case "invalid_code": {
      const left = error.details.attemptsLeft;
      if (left === undefined) return { text: "That code isn't right. Check the SMS and try again." };
      return { text: `That code isn't right. You have ${left} attempt${left === 1 ? "" : "s"} left.` };
    }
    case "expired":
      return { text: "This code has expired. Send a new code to continue.", offerResend: true };
    case "locked":
      return { text: "Too many wrong codes, so this code is now locked. Send a new code to continue.", offerResend: true };
    case "not_found":
      return { text: "There is no active code for this number any more. Send a new code.", offerResend: true };
    case "rate_limited":
      return { text: `Too many attempts. Try again in ${formatWait(error.details.retryAfter ?? 60)}.` };
    case "sms_failed":
      return { text: "We couldn't send the SMS just now. Please try again in a moment." };
    case "validation_error":
      return { text: error.details.fields?.code ?? "Enter the code from the SMS, digits only." };
    default:
      return commonMessage(error);
  }
}

/** signIn() errors after a successful verify: the single-use token was refused or the server failed. */
export function signInErrorMessage(code: string | null | undefined): FormMessage {
  if (code === "invalid_code" || code === "expired" || code === "not_found" || code === "CredentialsSignin") {
    return { text: "Your sign-in expired before it finished. Send a new code to try again.", offerResend: true };
  }
  return { text: "We couldn't sign you in just now. Please try again." };
}

function commonMessage(error: ApiError): FormMessage {
  if (error.code === "network_error") return { text: "Can't reach the server. Check your connection and try again." };
  if (error.status === 503) return { text: "The service is busy right now. Please try again in a few seconds." };
  return { text: "Something went wrong on our side. Please try again." };
}
