/** The error catalogue: every error code the API can answer, each with one fixed HTTP status. */
export const ERROR_STATUS = {
  validation_error: 400,
  invalid_json: 400,
  invalid_phone: 400,
  invalid_code: 400,
  expired: 400,
  locked: 400,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
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

/** A failure the client can act on. Domain code throws these; the API wrapper renders them. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { fields?: Record<string, string>; attemptsLeft?: number; retryAfter?: number; limit?: string } = {},
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}
