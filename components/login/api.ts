/** Browser calls to the OTP API: one error type carrying the API's error body and HTTP status. */
import { takeChallenge } from "./bot-challenge";

export type SendResponse = { status: "sent"; verificationId: string; phone: string; expiresAt: string; resendAfter: string };
export type VerifyResponse = { status: "verified"; verificationId: string; loginToken: string };

export type ApiErrorCode =
  | "invalid_phone"
  | "invalid_code"
  | "expired"
  | "locked"
  | "not_found"
  | "rate_limited"
  | "sms_failed"
  | "validation_error"
  | "network_error"
  | (string & {});

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly status: number,
    readonly details: { attemptsLeft?: number; retryAfter?: number; fields?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type ErrorBody = { error?: { code?: string; message?: string; attemptsLeft?: number; retryAfter?: number; fields?: Record<string, string> } };

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    throw new ApiError("network_error", "Can't reach the server.", 0);
  }
  const data = (await res.json().catch(() => null)) as (T & ErrorBody) | null;
  if (res.ok && data) return data;
  const error = data?.error;
  const headerWait = Number(res.headers.get("retry-after"));
  throw new ApiError(error?.code ?? "internal_error", error?.message ?? "Something went wrong.", res.status, {
    attemptsLeft: error?.attemptsLeft,
    retryAfter: error?.retryAfter ?? (Number.isFinite(headerWait) && headerWait > 0 ? headerWait : undefined),
    fields: error?.fields,
  });
}

/** Sends with the bot-challenge solution; a stale or missing one is replaced once (challenge_required). */
export async function sendCode(phone: string): Promise<SendResponse> {
  const send = async () => postJson<SendResponse>("/api/otp/send", { phone, purpose: "Login", challenge: await takeChallenge() });
  return send().catch((error: unknown) => (error instanceof ApiError && error.code === "challenge_required" ? send() : Promise.reject(error)));
}

export const verifyCode = (phone: string, code: string) => postJson<VerifyResponse>("/api/otp/verify", { phone, code, purpose: "Login" });
