/**
 * The seed's HTTP contract (POST /api/users/send-otp/ and /api/users/verify-otp/ of the Django
 * guide our users run today), as thin adapters over the same domain functions as /api/otp/*.
 * Bodies and status codes are the seed's, byte for byte, so existing clients switch unchanged.
 */
import { AppError } from "./errors";
import { isDatabaseUnavailable } from "../db/errors";
import { clientIp, json, MAX_BODY_BYTES, readLimited } from "./handler";
import { log } from "../log";
import { getOtpContext } from "../otp/context";
import { sendOtp, verifyOtp } from "../otp/service";

type SeedBody = Record<string, unknown>;

const SEND_FAILED = { message: "Failed to send OTP. Please try again.", status: "error" };
const TOO_MANY = "Too many OTP requests. Please try again later.";

/** Django REST framework accepted JSON and form bodies; so do we. Junk becomes an empty body. */
async function readSeedBody(req: Request): Promise<SeedBody | "too_large"> {
  if (Number(req.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) return "too_large";
  let text = "";
  try {
    text = await readLimited(req);
  } catch (error) {
    if (error instanceof AppError && error.code === "payload_too_large") return "too_large";
  }
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  try {
    const body: unknown = JSON.parse(text);
    return body && typeof body === "object" && !Array.isArray(body) ? (body as SeedBody) : {};
  } catch {
    return {};
  }
}

/** The seed read fields with .strip(); numbers are accepted too (its clients sometimes send them). */
function field(body: SeedBody, key: string): string {
  const value = body[key];
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  return "";
}

function purposeOf(body: SeedBody): string | undefined {
  const value = body.verification_type;
  return typeof value === "string" && value.trim() ? value : undefined;
}

function retryHeaders(error: AppError) {
  return error.details.retryAfter !== undefined ? { "Retry-After": String(error.details.retryAfter) } : undefined;
}

function unexpected(error: unknown, route: string) {
  log.error(isDatabaseUnavailable(error) ? "database unavailable" : "unhandled error", { route, error: (error as Error)?.name });
}

export async function seedSendOtp(req: Request): Promise<Response> {
  const body = await readSeedBody(req);
  if (body === "too_large") return json({ message: "Request body too large" }, { status: 413 });
  const phone = field(body, "phone");
  if (!phone) return json({ message: "Phone number is required" }, { status: 400 });
  try {
    const ctx = await getOtpContext();
    await sendOtp(ctx, {
      phone,
      channel: "seed",
      purpose: purposeOf(body),
      ip: clientIp(req),
      userAgent: req.headers.get("user-agent")?.slice(0, 300) ?? null,
    });
    return json({ message: "OTP sent successfully", status: "success" });
  } catch (error) {
    if (error instanceof AppError) {
      if (error.code === "invalid_phone") return json({ message: "Invalid phone number format" }, { status: 400 });
      if (error.code === "rate_limited") return json({ message: TOO_MANY }, { status: 429, headers: retryHeaders(error) });
      if (error.code === "validation_error") return json({ message: error.message, status: "error" }, { status: 400 });
      if (error.code === "sms_failed") return json(SEND_FAILED, { status: 500 });
      if (error.code === "blocked") return json({ message: error.message, status: "error" }, { status: 403, headers: retryHeaders(error) });
    }
    unexpected(error, "/api/users/send-otp/");
    return json(SEND_FAILED, { status: 500 });
  }
}

function verifyBody(message: string, status: number, headers?: Record<string, string>) {
  return json({ message, status: "error", verified: false }, { status, headers });
}

const VERIFY_MESSAGES: Partial<Record<AppError["code"], string>> = {
  invalid_code: "Invalid OTP code",
  not_found: "Invalid OTP code",
  expired: "OTP code has expired. Please request a new one.",
  locked: "Too many invalid attempts. Please request a new OTP.",
  invalid_phone: "Invalid phone number format",
};

export async function seedVerifyOtp(req: Request): Promise<Response> {
  const body = await readSeedBody(req);
  if (body === "too_large") return verifyBody("Request body too large", 413);
  const phone = field(body, "phone");
  const otp = field(body, "otp");
  if (!phone) return verifyBody("Phone number is required", 400);
  if (!otp) return verifyBody("OTP code is required", 400);
  if (!/^[0-9]+$/.test(otp)) return verifyBody("OTP must be numeric", 400);
  try {
    const ctx = await getOtpContext();
    // A code of the wrong length can never match: answer as the seed did, without spending an attempt.
    if (otp.length !== ctx.config.codeLength) return verifyBody("Invalid OTP code", 400);
    await verifyOtp(ctx, {
      phone,
      code: otp,
      purpose: purposeOf(body),
      ip: clientIp(req),
      userAgent: req.headers.get("user-agent")?.slice(0, 300) ?? null,
    });
    return json({ message: "OTP verified successfully", status: "success", verified: true });
  } catch (error) {
    if (error instanceof AppError) {
      if (error.code === "rate_limited") return verifyBody(TOO_MANY, 429, retryHeaders(error));
      if (error.code === "validation_error") return verifyBody(error.message, 400);
      const message = VERIFY_MESSAGES[error.code];
      if (message) return verifyBody(message, 400);
    }
    unexpected(error, "/api/users/verify-otp/");
    return verifyBody("Error verifying OTP. Please try again.", 500);
  }
}
