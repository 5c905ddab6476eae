/** The SMS provider contract. Providers know HTTP and their gateway's answers, never the database. */

export type SmsMessageRequest = {
  /** E.164, with the leading + */
  to: string;
  /** The text to send, code included. Never log it. */
  text: string;
  purpose: string;
  /** ISO 3166-1 alpha-2 of `to`, for SMS_ROUTES; derived from the number when absent. */
  country?: string;
  /** The bare code, for channels that carry it as a parameter (WhatsApp template, voice). Never log it. */
  code?: string;
  /** BCP 47 language for voice (Twilio <Say>). */
  language?: string;
};

/** Stable reasons, stored in SmsMessage.errorCode and shown to admins. */
export type SmsErrorCode =
  | "invalid_credentials"
  | "invalid_number"
  | "invalid_message"
  | "insufficient_credit"
  | "account_blocked"
  | "country_not_enabled"
  | "ip_not_whitelisted"
  | "dnd_number"
  | "sender_invalid"
  | "rate_limited"
  | "server_error"
  | "timeout"
  | "network_error"
  | "bad_response"
  /** Voice calls: the line was busy, or nobody picked up. */
  | "busy"
  | "no_answer"
  | "unknown";

export type SmsAttempt = {
  provider: string;
  /** 1-based, counted per provider */
  attempt: number;
  ok: boolean;
  /**
   * "unconfirmed": the gateway may have taken the message (timeout, reset after the request was
   * written, a 5xx other than 503, an unreadable 2xx). Never retried on that provider.
   */
  status: "sent" | "failed" | "unconfirmed";
  providerMessageId?: string;
  httpStatus?: number;
  errorCode?: SmsErrorCode;
  /** The gateway's own words (e.g. "No More Credits"), credentials and codes stripped. */
  errorMessage?: string;
  latencyMs: number;
  /** Worth retrying: a failure that proves the message was not taken (refused, DNS, 503, 429, gateway "not sent" error). */
  transient: boolean;
  startedAt: Date;
};

export const SMS_PROVIDER_NAMES = ["console", "mshastra", "twilio", "africastalking", "http"] as const;
export type SmsProviderName = (typeof SMS_PROVIDER_NAMES)[number];

export interface SmsProvider {
  readonly name: SmsProviderName | "whatsapp" | "twilio_voice";
  /** One attempt. Must not throw for gateway/network failures: it returns ok:false instead. */
  send(message: SmsMessageRequest, signal: AbortSignal): Promise<Omit<SmsAttempt, "attempt" | "startedAt" | "latencyMs">>;
}

export type SmsSendOutcome = {
  ok: boolean;
  /** sent: a provider accepted it; unconfirmed: no acceptance, but one may have taken it; failed: none did. */
  status: "sent" | "unconfirmed" | "failed";
  /** Every attempt made, in order, across providers (retries and failover included). */
  attempts: SmsAttempt[];
};

/** What the OTP engine depends on: send with timeouts, retries and failover already applied. */
export interface SmsSender {
  send(message: SmsMessageRequest): Promise<SmsSendOutcome>;
}
