/**
 * What the login page shows, as one plain object: rendered by the server from the login-step cookie
 * (so a reload, or a browser without JavaScript, lands on the same step) and answered as JSON to the
 * form's own requests. Pure: shared by the server handlers and the browser.
 */
import type { Channel } from "@/lib/sms/routes";

/** The API error an answer carried, with what the form needs to explain it. */
export type LoginProblem = {
  code: string;
  message: string;
  /** Which kind of this problem, for the words the page shows (invalid_phone: empty, not_mobile…; validation_error: code_format, code_incomplete). */
  reason?: string;
  attemptsLeft?: number;
  /** rate_limited: when sending (or verifying) works again, ms since the epoch. */
  retryAt?: number;
  /** rate_limited: which limit (cooldown, phone_hour, phone_day, ip_hour, verify_ip_hour). */
  limit?: string;
};

export type SentCode = {
  /** E.164. */
  phone: string;
  /** "+255 712 345 678": shown in full, so a typo is seen before waiting for an SMS. */
  display: string;
  verificationId?: string;
  /** ms since the epoch; unknown on the "I already have a code" path. */
  expiresAt?: number;
  resendAfter?: number;
  /** The code is dead (expired, locked, gone): only a new code helps. */
  isDead?: boolean;
  /** How the code went (sms, whatsapp, voice); a resend goes the same way unless another is pressed. */
  channel?: Channel;
};

export type LoginState = {
  stage: "phone" | "confirm" | "code";
  /** Selected (or detected) country, ISO 3166-1 alpha-2. */
  country?: string;
  /** What the person typed in the number field, kept across an error. */
  input?: string;
  /** confirm: the parsed number waiting for "Yes, send the code". */
  pending?: { phone: string; display: string };
  sent?: SentCode;
  phoneError?: LoginProblem;
  codeError?: LoginProblem;
  /** A one-time notice, by name: the page words it in its own language. */
  notice?: LoginNotice;
};

export type LoginNotice = "resent" | "stillWorks";

/** The limits the form names in its rate-limit messages. */
export type LoginLimits = { cooldownSeconds: number; perPhoneHour: number; perPhoneDay: number; perIpHour: number; verifyPerIpHour: number };

