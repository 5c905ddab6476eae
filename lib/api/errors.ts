import type { Locale } from "../i18n/locales";
import { apiMessage, type ApiMessage } from "./messages";

/** The error catalogue: every error code the API can answer, each with one fixed HTTP status. */
export const ERROR_STATUS = {
  validation_error: 400,
  invalid_json: 400,
  invalid_phone: 400,
  invalid_code: 400,
  expired: 400,
  locked: 400,
  challenge_required: 400,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  cross_site: 403,
  blocked: 403,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  sms_failed: 502,
  database_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type ErrorBody = {
  error: {
    code: ErrorCode;
    message: string;
    fields?: Record<string, string>;
    attemptsLeft?: number;
    retryAfter?: number;
    /** rate_limited: which limit refused (cooldown, phone_hour, phone_day, ip_hour, verify_ip_hour). */
    limit?: string;
  };
};

/**
 * A failure the client can act on. Domain code throws these; the API wrapper renders them. Given an
 * ApiMessage (a key of the `api` catalogue) instead of a string, the message is English in `.message`
 * (logs, the seed routes) and follows the request's locale in toBody(locale).
 */
export class AppError extends Error {
  readonly apiMessage?: ApiMessage;

  constructor(
    readonly code: ErrorCode,
    message: string | ApiMessage,
    readonly details: { fields?: Record<string, string>; attemptsLeft?: number; retryAfter?: number; limit?: string } = {},
  ) {
    super(typeof message === "string" ? message : apiMessage("en", message));
    this.name = "AppError";
    if (typeof message !== "string") this.apiMessage = message;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** The error shape; codes, statuses and fields stay the same in every locale, only words change. */
  toBody(locale: Locale = "en"): ErrorBody {
    if (!this.apiMessage || locale === "en") return { error: { code: this.code, message: this.message, ...this.details } };
    const message = apiMessage(locale, this.apiMessage);
    // A field that repeats the message (invalid_phone, unknown purpose, …) is translated with it.
    const fields = this.details.fields && Object.fromEntries(Object.entries(this.details.fields).map(([k, v]) => [k, v === this.message ? message : v]));
    return { error: { code: this.code, message, ...this.details, ...(fields && { fields }) } };
  }
}

/**
 * The error codes each operation can answer (its operationId in /api/openapi.json), so the document
 * lists an operation's own errors only. A new code or operation is added here, beside the catalogue.
 */
export const OPERATION_ERRORS = {
  sendOtp: ["validation_error", "invalid_json", "invalid_phone", "unauthorized", "forbidden", "cross_site", "payload_too_large", "unsupported_media_type", "rate_limited", "challenge_required", "blocked", "internal_error", "sms_failed", "database_unavailable"],
  verifyOtp: ["validation_error", "invalid_json", "invalid_phone", "unauthorized", "forbidden", "cross_site", "invalid_code", "expired", "locked", "not_found", "payload_too_large", "unsupported_media_type", "rate_limited", "internal_error", "database_unavailable"],
  getAdminStats: ["validation_error", "unauthorized", "forbidden", "internal_error", "database_unavailable"],
  listAdminUsers: ["validation_error", "unauthorized", "forbidden", "internal_error", "database_unavailable"],
  setAdminUserRole: ["validation_error", "invalid_json", "unsupported_media_type", "payload_too_large", "unauthorized", "forbidden", "not_found", "internal_error", "database_unavailable"],
  listAdminVerifications: ["validation_error", "unauthorized", "forbidden", "internal_error", "database_unavailable"],
  getAdminVerification: ["unauthorized", "forbidden", "not_found", "internal_error", "database_unavailable"],
  exportAdminVerificationsCsv: ["validation_error", "unauthorized", "forbidden", "internal_error", "database_unavailable"],
  pollAdminSmsReports: ["unauthorized", "forbidden", "internal_error", "database_unavailable"],
  getOtpChallenge: ["internal_error", "database_unavailable"],
  createAdminWebhook: ["validation_error", "invalid_json", "unsupported_media_type", "payload_too_large", "unauthorized", "forbidden", "internal_error", "database_unavailable"],
  listAdminWebhooks: ["unauthorized", "forbidden", "internal_error", "database_unavailable"],
  deleteAdminWebhook: ["unauthorized", "forbidden", "not_found", "internal_error", "database_unavailable"],
  listAdminWebhookDeliveries: ["unauthorized", "forbidden", "not_found", "internal_error", "database_unavailable"],
  redeliverAdminWebhook: ["unauthorized", "forbidden", "not_found", "internal_error", "database_unavailable"],
  enableAdminWebhook: ["unauthorized", "forbidden", "not_found", "internal_error", "database_unavailable"],
  methodNotAllowed: ["method_not_allowed"],
  notFound: ["not_found"],
} as const satisfies Record<string, readonly ErrorCode[]>;
