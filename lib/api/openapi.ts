/** OpenAPI 3.1 description of the public API, generated from the same zod schemas the handlers use. */
import { z } from "zod";
import { sendOtpSchema, verifyOtpSchema } from "../validation/otp";
import { ERROR_STATUS } from "./errors";

const sendResponse = z.object({
  status: z.literal("sent"),
  verificationId: z.string(),
  phone: z.string().describe("E.164"),
  expiresAt: z.iso.datetime(),
  resendAfter: z.iso.datetime(),
});

const verifyResponse = z.object({
  status: z.literal("verified"),
  verificationId: z.string(),
  loginToken: z.string().optional().describe("Single-use; exchange it for a session with the next-auth `phone-otp` provider. Absent with \"session\": true."),
  session: z.object({ userId: z.string(), phone: z.string() }).optional().describe('With "session": true: the session cookie is set in this response.'),
});

const errorResponse = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    attemptsLeft: z.number().int().optional(),
    retryAfter: z.number().int().optional().describe("Seconds; also sent as the Retry-After header"),
    limit: z.string().optional().describe("rate_limited: cooldown, phone_hour, phone_day, ip_hour or verify_ip_hour"),
  }),
});

const seedSendRequest = z.object({
  phone: z.string().describe("With country code, e.g. 255694230173"),
  verification_type: z.string().optional().describe("Default Login"),
});
const seedVerifyRequest = z.object({ phone: z.string(), otp: z.string(), verification_type: z.string().optional() });
const seedMessage = z.object({ message: z.string(), status: z.enum(["success", "error"]).optional(), verified: z.boolean().optional() });

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });

function jsonBody(s: z.ZodType) {
  return { required: true, content: { "application/json": { schema: schema(s) } } };
}

type Code = keyof typeof ERROR_STATUS;

/** 200 plus one entry per status the operation can answer, naming its error codes. */
function responses(ok: z.ZodType, codes: Code[]) {
  const out: Record<string, unknown> = { 200: { description: "OK", content: { "application/json": { schema: schema(ok) } } } };
  const byStatus = new Map<number, Code[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[status] = { description: `Error: ${list.join(", ")}`, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  }
  return out;
}

const COMMON: Code[] = ["validation_error", "invalid_json", "invalid_phone", "payload_too_large", "unsupported_media_type", "rate_limited", "internal_error", "database_unavailable"];

export function buildOpenApiDocument(serverUrl?: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "PhoneOTP API",
      version: "1.0.0",
      description:
        "Send and verify phone one-time codes. Errors share one shape: { error: { code, message, … } }. " +
        "Any other method on these routes answers 405 with an Allow header (the seed's routes with Django REST framework's " +
        "{ detail } body); any other path under /api answers 404 not_found.",
    },
    servers: serverUrl ? [{ url: serverUrl }] : [],
    paths: {
      "/api/otp/send": {
        post: {
          summary: "Send a one-time code by SMS",
          description: "Supersedes any pending code for the same phone and purpose. Rate limited per phone, purpose and client IP.",
          requestBody: jsonBody(sendOtpSchema),
          responses: responses(sendResponse, [...COMMON, "sms_failed"]),
        },
      },
      "/api/otp/verify": {
        post: {
          summary: "Verify a one-time code",
          requestBody: jsonBody(verifyOtpSchema),
          description: 'With "session": true (same-origin browser requests only, purpose Login), a right code also sets the next-auth session cookie: one round trip from code to session.',
          responses: responses(verifyResponse, [...COMMON, "invalid_code", "expired", "locked", "not_found", "forbidden"]),
        },
      },
      "/api/users/send-otp/": {
        post: {
          summary: "Send a code (compatibility route of the Django guide; also without the trailing slash)",
          requestBody: jsonBody(seedSendRequest),
          responses: {
            200: { description: '{"message":"OTP sent successfully","status":"success"}', content: { "application/json": { schema: schema(seedMessage) } } },
            400: { description: "Phone number is required | Invalid phone number format | Unknown purpose. Use one of: …" },
            413: { description: '{"message":"Request body too large"}' },
            429: { description: "Too many OTP requests. Please try again later. (with Retry-After)" },
            500: { description: "Failed to send OTP. Please try again. (every SMS provider failed, or the database is down)" },
          },
        },
      },
      "/api/users/verify-otp/": {
        post: {
          summary: "Verify a code (compatibility route of the Django guide; also without the trailing slash)",
          requestBody: jsonBody(seedVerifyRequest),
          responses: {
            200: { description: '{"message":"OTP verified successfully","status":"success","verified":true}', content: { "application/json": { schema: schema(seedMessage) } } },
            400: {
              description:
                "Invalid OTP code | OTP code has expired. Please request a new one. | Too many invalid attempts. Please request a new OTP. | Phone number is required | Invalid phone number format | OTP code is required | OTP must be numeric | Unknown purpose. Use one of: …",
            },
            413: { description: "Request body too large" },
            429: { description: "Too many OTP requests. Please try again later. (with Retry-After)" },
            500: { description: "Error verifying OTP. Please try again. (the database is down)" },
          },
        },
      },
      "/api/health": {
        get: {
          summary: "Liveness and database check",
          responses: { 200: { description: '{"status":"ok","db":"ok"}' }, 503: { description: '{"status":"error","db":"error"}' } },
        },
      },
    },
    components: { schemas: { Error: schema(errorResponse) } },
  };
}
