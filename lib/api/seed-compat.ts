/**
 * The seed's HTTP contract (POST /api/users/send-otp/ and /api/users/verify-otp/ of the Django
 * guide our users run today), as thin adapters over the same domain functions as /api/otp/*.
 * Every request the guide documents gets the guide's answer; the deliberate differences (limits,
 * real numbering plans, …) are listed, each with its test, in docs/seed-compat.md.
 */
import { AppError } from "./errors";
import { isDatabaseUnavailable } from "../db/errors";
import { clientIp, json, MAX_BODY_BYTES, readLimitedBytes } from "./handler";
import { toAsciiDigits } from "../digits";
import { log } from "../log";
import { getOtpContext } from "../otp/context";
import { sendOtp, verifyOtp } from "../otp/service";

type SeedBody = Record<string, unknown>;

const SEND_FAILED = { message: "Failed to send OTP. Please try again.", status: "error" };
const TOO_MANY = "Too many OTP requests. Please try again later.";

type SeedRead = { body: SeedBody } | { tooLarge: true } | { unsupported: string };

/** Django REST framework's default parsers, in its order. */
const SEED_PARSERS = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"] as const;

/**
 * DRF's parser choice (media_type_matches): the request's type and subtype must equal the parser's,
 * or be "*"; parameters such as charset do not matter. So "application/vnd.api+json" and
 * "text/plain" are unsupported, "*\/*" is read as JSON.
 */
export function seedParserFor(contentType: string): (typeof SEED_PARSERS)[number] | undefined {
  const [main, sub = ""] = (contentType.split(";")[0] ?? "").trim().toLowerCase().split("/", 2);
  const matches = (want: string, got: string) => got === want || got === "*";
  return SEED_PARSERS.find((parser) => {
    const [pMain, pSub] = parser.split("/");
    return matches(pMain, main) && matches(pSub, sub);
  });
}

/**
 * Reads the body as the guide's DRF view did: JSON, form-encoded or multipart (text parts only;
 * file parts go to request.FILES there, not to request.data); an empty body is an empty form; any
 * other content type is DRF's "Unsupported media type". Malformed bodies read as empty. Every
 * kind streams under the API's 16 KB limit.
 */
async function readSeedBody(req: Request): Promise<SeedRead> {
  if (Number(req.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) return { tooLarge: true };
  let bytes: Uint8Array;
  try {
    bytes = await readLimitedBytes(req);
  } catch (error) {
    if (error instanceof AppError && error.code === "payload_too_large") return { tooLarge: true };
    bytes = new Uint8Array();
  }
  if (bytes.byteLength === 0) return { body: {} };
  const type = req.headers.get("content-type") ?? "";
  const parser = seedParserFor(type);
  if (!parser) return { unsupported: type.slice(0, 200) };
  if (parser === "multipart/form-data") {
    try {
      const form = await new Response(bytes as BodyInit, { headers: { "content-type": type } }).formData();
      return { body: Object.fromEntries([...form].filter(([, value]) => typeof value === "string")) };
    } catch {
      return { body: {} };
    }
  }
  const text = new TextDecoder().decode(bytes);
  if (parser === "application/x-www-form-urlencoded") return { body: Object.fromEntries(new URLSearchParams(text)) };
  try {
    const body: unknown = JSON.parse(text);
    return { body: body && typeof body === "object" && !Array.isArray(body) ? (body as SeedBody) : {} };
  } catch {
    return { body: {} };
  }
}

/** DRF's UnsupportedMediaType text, as the guide's `except Exception` put it into its 500 body. */
const unsupportedText = (type: string) => `Unsupported media type "${type}" in request.`;

/**
 * The guide's reading of a code: digits of any script (isdigit), then int(), then compared with the
 * stored IntegerField. So leading zeros do not count: "598", 598 and "00598" are code 0598. A value
 * with more significant digits than OTP_LENGTH can match nothing, and is checked (and counted) anyway.
 */
export function seedCode(otp: string, codeLength: number): string {
  const significant = otp.replace(/^0+/, "");
  return significant.length <= codeLength ? significant.padStart(codeLength, "0") : significant;
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
  const read = await readSeedBody(req);
  if ("tooLarge" in read) return json({ message: "Request body too large" }, { status: 413 });
  if ("unsupported" in read) return json({ message: `Error sending OTP: ${unsupportedText(read.unsupported)}`, status: "error" }, { status: 500 });
  const { body } = read;
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
  const read = await readSeedBody(req);
  if ("tooLarge" in read) return verifyBody("Request body too large", 413);
  if ("unsupported" in read) return verifyBody(`Error verifying OTP: ${unsupportedText(read.unsupported)}`, 500);
  const { body } = read;
  const phone = field(body, "phone");
  const otp = toAsciiDigits(field(body, "otp"));
  if (!phone) return verifyBody("Phone number is required", 400);
  if (!otp) return verifyBody("OTP code is required", 400);
  if (!/^[0-9]+$/.test(otp)) return verifyBody("OTP must be numeric", 400);
  try {
    const ctx = await getOtpContext();
    await verifyOtp(ctx, {
      phone,
      code: seedCode(otp, ctx.config.codeLength),
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
