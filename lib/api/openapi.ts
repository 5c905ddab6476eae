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
  loginToken: z.string().describe("Single-use; exchange it for a session with the next-auth `phone-otp` provider."),
});

const errorResponse = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    attemptsLeft: z.number().int().optional(),
    retryAfter: z.number().int().optional().describe("Seconds; also sent as the Retry-After header"),
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

function responses(ok: z.ZodType, errors: number[]) {
  const out: Record<string, unknown> = { 200: { description: "OK", content: { "application/json": { schema: schema(ok) } } } };
  for (const status of errors) {
    out[status] = { description: describeStatus(status), content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  }
  return out;
}

function describeStatus(status: number): string {
  const codes = Object.entries(ERROR_STATUS).filter(([, s]) => s === status).map(([c]) => c);
  return `Error: ${codes.join(", ")}`;
}

export function buildOpenApiDocument(serverUrl?: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "PhoneOTP API",
      version: "1.0.0",
      description: "Send and verify phone one-time codes. Errors share one shape: { error: { code, message, … } }.",
    },
    servers: serverUrl ? [{ url: serverUrl }] : [],
    paths: {
      "/api/otp/send": {
        post: {
          summary: "Send a one-time code by SMS",
          description: "Supersedes any pending code for the same phone and purpose. Rate limited per phone, purpose and client IP.",
          requestBody: jsonBody(sendOtpSchema),
          responses: responses(sendResponse, [400, 413, 415, 429, 502, 503]),
        },
      },
      "/api/otp/verify": {
        post: {
          summary: "Verify a one-time code",
          requestBody: jsonBody(verifyOtpSchema),
          responses: responses(verifyResponse, [400, 404, 413, 415, 429, 503]),
        },
      },
      "/api/users/send-otp/": {
        post: {
          summary: "Send a code (compatibility route of the Django guide; also without the trailing slash)",
          requestBody: jsonBody(seedSendRequest),
          responses: {
            200: { description: '{"message":"OTP sent successfully","status":"success"}', content: { "application/json": { schema: schema(seedMessage) } } },
            400: { description: "Phone number is required | Invalid phone number format" },
            429: { description: "Too many OTP requests. Please try again later." },
            500: { description: "Failed to send OTP. Please try again." },
          },
        },
      },
      "/api/users/verify-otp/": {
        post: {
          summary: "Verify a code (compatibility route of the Django guide; also without the trailing slash)",
          requestBody: jsonBody(seedVerifyRequest),
          responses: {
            200: { description: '{"message":"OTP verified successfully","status":"success","verified":true}', content: { "application/json": { schema: schema(seedMessage) } } },
            400: { description: "Invalid OTP code | OTP code has expired. Please request a new one. | OTP code is required | OTP must be numeric" },
            429: { description: "Too many OTP requests. Please try again later." },
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
