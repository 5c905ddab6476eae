/**
 * OpenAPI 3.1 description of the HTTP API, generated from the same zod schemas the handlers use.
 * Checked with `redocly lint` (npm run lint:openapi) and by a typed client generated from the served
 * document (e2e/openapi-client.spec.ts). To extend it: error codes per operation live in
 * OPERATION_ERRORS (lib/api/errors.ts), authentication schemes in SECURITY_SCHEMES below.
 */
import { z } from "zod";
import { setRoleSchema, statsQuerySchema, userListQuerySchema, verificationFiltersSchema, verificationListQuerySchema } from "../admin/schemas";
import { sendOtpSchema, verifyOtpSchema } from "../validation/otp";
import { createWebhookSchema } from "../webhooks/endpoints-schema";
import { WEBHOOK_EVENT_TYPES } from "../webhooks/events";
import { ERROR_STATUS, OPERATION_ERRORS, type ErrorCode } from "./errors";

type Json = Record<string, unknown>;
type OperationWithErrors = keyof typeof OPERATION_ERRORS;

export type OpenApiOptions = { serverUrl: string; codeLength: number };

/** How a caller authenticates; operations name the schemes they accept (API keys can be added here). */
export const SECURITY_SCHEMES = {
  apiKey: { type: "http", scheme: "bearer", description: "An API key (potp_…) created on the admin page API keys; scopes otp:send, otp:verify, admin:read." },
  metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN" },
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "next-auth.session-token",
    description:
      "The next-auth session of a user with the ADMIN role, set by signing in at /login (over HTTPS the cookie is named " +
      "`__Secure-next-auth.session-token`).",
  },
} as const;
const ADMIN_SECURITY = [{ sessionCookie: [] }];
/** Public operations say so explicitly: no authentication. */
const PUBLIC: Json[] = [];

const schema = (s: z.ZodType): Json => {
  const json = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Json;
  delete json.$schema;
  return json;
};
const anyObject = { type: "object", additionalProperties: true };
const jsonContent = (s: Json) => ({ "application/json": { schema: s } });

const HEADERS = {
  RetryAfter: { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 0 } },
  Allow: { description: "The methods this path answers.", schema: { type: "string", example: "POST, OPTIONS" } },
};
const retryAfter = { "Retry-After": { $ref: "#/components/headers/RetryAfter" } };
const allow = { Allow: { $ref: "#/components/headers/Allow" } };

/** The API's one error shape, narrowed to `codes`: optional members only where those codes carry them. */
function errorSchema(codes: readonly ErrorCode[]): Json {
  const properties: Json = { code: { type: "string", enum: [...codes] }, message: { type: "string" } };
  if (codes.includes("validation_error")) properties.fields = { type: "object", additionalProperties: { type: "string" }, description: "Field → what is wrong" };
  if (codes.includes("invalid_code")) properties.attemptsLeft = { type: "integer", minimum: 0 };
  if (codes.includes("rate_limited")) {
    properties.retryAfter = { type: "integer", minimum: 0, description: "Seconds; also sent as the Retry-After header" };
    properties.limit = { type: "string", enum: ["cooldown", "phone_hour", "phone_day", "ip_hour", "verify_ip_hour"], description: "rate_limited: which limit refused" };
  }
  return {
    type: "object",
    required: ["error"],
    properties: { error: { type: "object", required: ["code", "message"], properties } },
  };
}

/** One response per HTTP status the operation's error codes use, each naming its codes. */
function errorResponses(operation: OperationWithErrors): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of OPERATION_ERRORS[operation]) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const out: Json = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[status] = {
      description: `Error: ${codes.join(", ")}`,
      ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
      content: jsonContent(errorSchema(codes)),
    };
  }
  return out;
}

/** The native API's error `message` follows it; codes, statuses and shapes do not change. */
const acceptLanguage = {
  name: "Accept-Language",
  in: "header",
  required: false,
  description: "The language of error messages: the best match among LOCALES (en, sw, fr, ar), else DEFAULT_LOCALE. The Django guide's routes ignore it.",
  schema: { type: "string", example: "sw-TZ, sw;q=0.9, en;q=0.5" },
};

const okJson = (description: string, s: Json) => ({ 200: { description, content: jsonContent(s) } });

const sendResponse = z.object({
  status: z.literal("sent"),
  verificationId: z.string(),
  phone: z.string().describe("E.164"),
  expiresAt: z.iso.datetime(),
  resendAfter: z.iso.datetime(),
  channel: z.enum(["sms", "whatsapp", "voice"]).describe("The channel that carried the code (for `auto`, the one that worked)."),
  delivery: z
    .literal("unconfirmed")
    .optional()
    .describe("Only when no gateway confirmed the SMS but one may have taken it (timeout): the code is valid and may arrive; resend after `resendAfter`."),
});

const verifyResponse = z.object({
  status: z.literal("verified"),
  verificationId: z.string(),
  loginToken: z.string().optional().describe("Single-use; exchange it for a session with the next-auth `phone-otp` provider. Absent with \"session\": true."),
  verificationToken: z
    .string()
    .describe(
      "JWT (EdDSA/Ed25519, header kid) for your back end; verify it against /.well-known/jwks.json. Claims: sub and phone_number (E.164), " +
        "purpose, verification_id (= jti), verified_at (ISO 8601), iss (origin of NEXTAUTH_URL, or \"phoneotp\"), iat, exp " +
        "(OTP_VERIFICATION_TOKEN_TTL_SECONDS, default 300). See docs/integration.md.",
    ),
  session: z.object({ userId: z.string(), phone: z.string() }).optional().describe('With "session": true: the session cookie is set in this response.'),
});

// The Django guide's bodies. Members are required wherever the guide always sends them.
const seedSendRequest = z.object({
  phone: z.string().describe("With country code, e.g. 255694230173; national numbers and any script's digits are read too"),
  verification_type: z.string().optional().describe("Default Login; one of OTP_PURPOSES"),
});
const seedVerifyRequest = z.object({
  phone: z.string(),
  otp: z.union([z.string(), z.number().int().min(0)]).describe("Digits; leading zeros do not count (598 is code 0598), as in the guide"),
  verification_type: z.string().optional(),
});
const seedSent = z.object({ message: z.string(), status: z.literal("success") });
const seedSendRefused = z.object({ message: z.string(), status: z.literal("error").optional() });
const seedMessage = z.object({ message: z.string() });
const seedSendError = z.object({ message: z.string(), status: z.literal("error") });
const seedVerified = z.object({ message: z.string(), status: z.literal("success"), verified: z.literal(true) });
const seedNotVerified = z.object({ message: z.string(), status: z.literal("error"), verified: z.literal(false) });
const drfDetail = z.object({ detail: z.string() });

const health = z.object({ status: z.enum(["ok", "error"]), db: z.enum(["ok", "error"]) });

function seedBody(s: z.ZodType) {
  const body = schema(s);
  return {
    required: true,
    description: "Read as Django REST framework does: JSON, form-encoded or multipart (at most 16 KB). Other types answer 500.",
    content: { "application/json": { schema: body }, "application/x-www-form-urlencoded": { schema: body }, "multipart/form-data": { schema: body } },
  };
}

const seedSend = (operationId: string, summary: string) => ({
  post: {
    operationId,
    summary,
    description: "The Django guide's send route. Differences from the guide: docs/seed-compat.md.",
    tags: ["Django guide"],
    security: PUBLIC,
    requestBody: seedBody(seedSendRequest),
    responses: {
      200: { description: "Sent", content: jsonContent(schema(seedSent)) },
      400: { description: "Phone number is required | Invalid phone number format | Unknown purpose…", content: jsonContent(schema(seedSendRefused)) },
      403: {
        description: "CSRF Failed: … (a cross-site browser request, refused as Django's CSRF origin check does), or the fraud guard's block ({message, status: \"error\"})",
        content: jsonContent(schema(z.union([drfDetail, seedSendError]))),
      },
      413: { description: "Request body too large", content: jsonContent(schema(seedMessage)) },
      429: { description: "Too many OTP requests. Please try again later.", headers: retryAfter, content: jsonContent(schema(seedMessage)) },
      500: {
        description: "Failed to send OTP. Please try again. (every SMS provider failed, or the database is down) | Error sending OTP: Unsupported media type … in request.",
        content: jsonContent(schema(seedSendError)),
      },
    },
  },
});

const seedVerify = (operationId: string, summary: string) => ({
  post: {
    operationId,
    summary,
    description: "The Django guide's verify route. Differences from the guide: docs/seed-compat.md.",
    tags: ["Django guide"],
    security: PUBLIC,
    requestBody: seedBody(seedVerifyRequest),
    responses: {
      200: { description: "Verified", content: jsonContent(schema(seedVerified)) },
      400: {
        description:
          "Invalid OTP code | OTP code has expired. Please request a new one. | Too many invalid attempts. Please request a new OTP. | " +
          "Phone number is required | Invalid phone number format | OTP code is required | OTP must be numeric | Unknown purpose…",
        content: jsonContent(schema(seedNotVerified)),
      },
      403: { description: "CSRF Failed: … (a cross-site browser request, refused as Django's CSRF origin check does)", content: jsonContent(schema(drfDetail)) },
      413: { description: "Request body too large", content: jsonContent(schema(seedNotVerified)) },
      429: { description: "Too many OTP requests. Please try again later.", headers: retryAfter, content: jsonContent(schema(seedNotVerified)) },
      500: { description: "Error verifying OTP. Please try again. | Error verifying OTP: Unsupported media type … in request.", content: jsonContent(schema(seedNotVerified)) },
    },
  },
});

const OTHER_METHODS = ["get", "post", "put", "patch", "delete"] as const;
const capital = (s: string) => s[0].toUpperCase() + s.slice(1);

/** OPTIONS (204 with Allow) and the methods a POST (or GET) route refuses (405 with Allow), for one path. */
function otherMethodsOf(baseId: string, refusal: "api" | "drf", answers: "post" | "get" = "post"): Json {
  const out: Json = {
    options: {
      operationId: `${baseId}Options`,
      summary: "The methods this path answers",
      tags: ["HTTP"],
      security: PUBLIC,
      responses: { 204: { description: `No body; Allow: ${answers.toUpperCase()}, OPTIONS`, headers: allow } },
    },
  };
  for (const method of OTHER_METHODS.filter((m) => m !== answers)) {
    out[method] = {
      operationId: `${baseId}${capital(method)}NotAllowed`,
      summary: `${method.toUpperCase()} is not allowed`,
      tags: ["HTTP"],
      security: PUBLIC,
      responses: {
        405: {
          description: refusal === "drf" ? 'Django REST framework\'s body: {"detail":"Method \\"GET\\" not allowed."}' : "Error: method_not_allowed",
          headers: allow,
          content: jsonContent(refusal === "drf" ? schema(drfDetail) : errorSchema(OPERATION_ERRORS.methodNotAllowed)),
        },
      },
    };
  }
  return out;
}

/** Query parameters from a zod object schema (each property one parameter). */
function queryParameters(s: z.ZodType): Json[] {
  const json = schema(s) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    schema: Object.keys(property).length ? property : { type: "string" },
  }));
}

const idParameter = { name: "id", in: "path", required: true, schema: { type: "string" } };

function admin(operationId: OperationWithErrors, summary: string, extra: Json, ok: Json): Json {
  return { operationId, summary, tags: ["Admin"], security: ADMIN_SECURITY, ...extra, responses: { ...ok, ...errorResponses(operationId) } };
}

const webhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  createdAt: z.iso.datetime(),
  disabledAt: z.iso.datetime().nullable().describe("Set when a delivery failed for about a day with no success since; nothing more is sent until an admin enables it (POST …/enable)."),
  disabledReason: z.string().nullable(),
  lastSuccessAt: z.iso.datetime().nullable(),
});
const webhookAttempt = z.object({
  attempt: z.number().int(),
  ok: z.boolean(),
  responseStatus: z.number().int().nullable(),
  responseBody: z.string().nullable().describe("The first 500 characters of the receiver's answer."),
  error: z.string().nullable().describe("timeout, network, private_address or http_<status>"),
  latencyMs: z.number().int(),
  manual: z.boolean().describe("A redelivery asked for by an admin."),
  createdAt: z.iso.datetime(),
});
const webhookDelivery = z.object({
  id: z.string().describe("The webhook-id header: the same on every attempt."),
  eventType: z.enum(WEBHOOK_EVENT_TYPES),
  status: z.enum(["pending", "succeeded", "failed"]),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  attemptLog: z.array(webhookAttempt),
});
const deliveryParameter = { name: "deliveryId", in: "path", required: true, schema: { type: "string" } };

/** What each event's `data` carries (docs/integration.md). */
const WEBHOOK_DATA: Record<(typeof WEBHOOK_EVENT_TYPES)[number], [string, z.ZodType]> = {
  "verification.sent": [
    "A code was handed to a provider (delivery: sent) or may have been (unconfirmed).",
    z.object({ verificationId: z.string(), phone: z.string(), purpose: z.string(), channel: z.enum(["sms", "whatsapp", "voice"]), expiresAt: z.iso.datetime(), delivery: z.enum(["sent", "unconfirmed"]) }),
  ],
  "verification.approved": ["A right code was verified.", z.object({ verificationId: z.string(), phone: z.string(), purpose: z.string(), verifiedAt: z.iso.datetime() })],
  "verification.expired": [
    "A code expired unused: found by the expiry sweep (within a minute) or by a verify call that came too late.",
    z.object({ verificationId: z.string(), phone: z.string(), purpose: z.string(), channel: z.string().optional(), expiresAt: z.iso.datetime().optional(), attempts: z.number().int().optional() }),
  ],
  "verification.locked": ["The last allowed wrong code was entered.", z.object({ verificationId: z.string(), phone: z.string(), purpose: z.string(), attempts: z.number().int() })],
  "sms.failed": [
    "No provider took the message at send time, or a delivery report said undelivered.",
    z.object({ verificationId: z.string(), phone: z.string().optional(), purpose: z.string().optional(), channel: z.string().optional(), provider: z.string().nullable(), errorCode: z.string().nullable(), providerMessageId: z.string().optional(), status: z.literal("undelivered").optional(), at: z.iso.datetime().optional() }),
  ],
  "sms.delivered": [
    "A provider's delivery report said delivered.",
    z.object({ verificationId: z.string(), provider: z.string(), providerMessageId: z.string(), status: z.literal("delivered"), at: z.iso.datetime() }),
  ],
  "protection.block_started": [
    "The fraud guard (or an admin) started a block on a number range, country or number; queued by the request that started it.",
    z.object({ blockId: z.string(), scope: z.enum(["range", "country", "number"]), key: z.string(), reason: z.enum(["conversion", "manual"]), mode: z.enum(["enforce", "monitor"]), startsAt: z.iso.datetime(), endsAt: z.iso.datetime(), sends: z.number().int().nullable(), verified: z.number().int().nullable() }),
  ],
};

const WEBHOOK_HEADERS = [
  { name: "webhook-id", in: "header", required: true, description: "The delivery's id, the same on every retry: deduplicate on it.", schema: { type: "string" } },
  { name: "webhook-timestamp", in: "header", required: true, description: "Unix seconds when this attempt was signed; refuse ones more than 5 minutes off.", schema: { type: "string" } },
  { name: "webhook-signature", in: "header", required: true, description: "v1,<base64 HMAC-SHA256 of id.timestamp.body> with the endpoint's whsec_ secret (Standard Webhooks).", schema: { type: "string" } },
];

/** OpenAPI 3.1 `webhooks`: one POST per event type, as your receiver gets it. */
function webhookOperations(): Json {
  const out: Json = {};
  for (const type of WEBHOOK_EVENT_TYPES) {
    const [description, data] = WEBHOOK_DATA[type];
    out[type] = {
      post: {
        operationId: `webhook${type.split(/[._]/).map(capital).join("")}`,
        summary: type,
        description: `${description} Signed per Standard Webhooks; retried on 1 min × 4ⁿ for about a day until your endpoint answers 2xx (docs/integration.md).`,
        tags: ["Webhooks"],
        security: PUBLIC,
        parameters: WEBHOOK_HEADERS,
        requestBody: {
          required: true,
          content: jsonContent({ type: "object", required: ["type", "timestamp", "data"], properties: { type: { const: type }, timestamp: { type: "string", format: "date-time" }, data: schema(data) } }),
        },
        responses: { 200: { description: "Any 2xx acknowledges the event; anything else (or no answer in 10 s) is retried." } },
      },
    };
  }
  return out;
}

/** The catch-all: any other path under /api answers the JSON 404. */
function notFoundOperations(): Json {
  const out: Json = { parameters: [{ name: "path", in: "path", required: true, description: "Any path not listed here", schema: { type: "string" } }] };
  for (const method of ["get", "post", "put", "patch", "delete"]) {
    out[method] = {
      operationId: `notFound${capital(method)}`,
      summary: "No API at this path",
      tags: ["HTTP"],
      security: PUBLIC,
      responses: errorResponses("notFound"),
    };
  }
  return out;
}

export function buildOpenApiDocument({ serverUrl, codeLength }: OpenApiOptions) {
  const verifyBody = schema(verifyOtpSchema) as { properties: Record<string, Json> };
  // The code's length is configuration (OTP_LENGTH): the pattern says exactly how many digits.
  verifyBody.properties.code = {
    type: "string",
    pattern: `^[0-9]{${codeLength}}$`,
    minLength: codeLength,
    maxLength: codeLength,
    description: `The ${codeLength}-digit code, as a string of exactly the digits sent (leading zeros count). Other scripts' decimal digits are read as ASCII.`,
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "PhoneOTP API",
      version: "1.0.0",
      description:
        "Send and verify phone one-time codes. Errors of the native API share one shape: { error: { code, message, … } }, " +
        "each operation listing its own codes. The Django guide's routes keep the guide's bodies (docs/seed-compat.md).",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: serverUrl, description: "This server" }],
    tags: [
      { name: "OTP", description: "The native API: send and verify one-time codes." },
      { name: "Django guide", description: "The Django guide's routes, with and without the trailing slash." },
      { name: "Admin", description: "The dashboard's API: a signed-in user with the ADMIN role." },
      { name: "Operations", description: "Health checks and this description." },
      { name: "HTTP", description: "OPTIONS, refused methods (405 with Allow) and unknown paths (JSON 404)." },
      { name: "Webhooks", description: "Events we POST to your endpoints (admin page Webhooks), signed per Standard Webhooks." },
    ],
    paths: {
      "/api/otp/send": {
        post: {
          operationId: "sendOtp",
          summary: "Send a one-time code by SMS",
          description:
            "Supersedes any pending code for the same phone and purpose. Rate limited per phone, purpose and client IP — or, with an API key " +
            "(scope otp:send), by the key's own hourly budget instead of the IP limit. Anonymous calls are refused (401) when OTP_REQUIRE_API_KEY=1, " +
            "except same-origin browser requests for Login. The SMS is written in `locale` when given (one of LOCALES; a language tag such as fr-CA reads as fr), " +
            "else in the language of the number's country (SMS_LOCALE_BY_COUNTRY), else DEFAULT_LOCALE.",
          tags: ["OTP"],
          security: [{}, { apiKey: [] }],
          parameters: [acceptLanguage],
          requestBody: { required: true, content: jsonContent(schema(sendOtpSchema)) },
          responses: { ...okJson("Sent", schema(sendResponse)), ...errorResponses("sendOtp") },
        },
        ...otherMethodsOf("sendOtp", "api"),
      },
      "/api/otp/challenge": {
        get: {
          operationId: "getOtpChallenge",
          summary: "A bot challenge to solve before sending (OTP_CHALLENGE)",
          description:
            "ALTCHA (default): { provider, mode, algorithm, challenge, maxnumber, salt, signature }; send the solver's base64 payload " +
            "as `challenge` in POST /api/otp/send. Turnstile or hCaptcha: { provider, mode, siteKey, scriptUrl }; send the widget's token. " +
            "Solutions are single-use and expire. With mode `off` no challenge is needed.",
          tags: ["OTP"],
          security: PUBLIC,
          responses: {
            ...okJson("A challenge (or { provider, mode: \"off\" })", { type: "object", additionalProperties: true }),
            ...errorResponses("getOtpChallenge"),
          },
        },
        ...otherMethodsOf("getOtpChallenge", "api", "get"),
      },
      "/api/otp/verify": {
        post: {
          operationId: "verifyOtp",
          summary: "Verify a one-time code",
          description:
            "API key scope otp:verify (optional unless OTP_REQUIRE_API_KEY=1). 401: unknown or revoked key; 403: missing scope or address not allowed. " +
            'With "session": true (same-origin browser requests only, purpose Login), a right code also sets the next-auth session cookie: one round trip from code to session.',
          tags: ["OTP"],
          security: [{}, { apiKey: [] }],
          parameters: [acceptLanguage],
          requestBody: { required: true, content: jsonContent(verifyBody) },
          responses: { ...okJson("Verified", schema(verifyResponse)), ...errorResponses("verifyOtp") },
        },
        ...otherMethodsOf("verifyOtp", "api"),
      },
      "/api/users/send-otp/": { ...seedSend("seedSendOtp", "Send a code (the Django guide's route)"), ...otherMethodsOf("seedSendOtp", "drf") },
      "/api/users/send-otp": {
        ...seedSend("seedSendOtpNoSlash", "Send a code (the Django guide's route, without the trailing slash)"),
        ...otherMethodsOf("seedSendOtpNoSlash", "drf"),
      },
      "/api/users/verify-otp/": { ...seedVerify("seedVerifyOtp", "Verify a code (the Django guide's route)"), ...otherMethodsOf("seedVerifyOtp", "drf") },
      "/api/users/verify-otp": {
        ...seedVerify("seedVerifyOtpNoSlash", "Verify a code (the Django guide's route, without the trailing slash)"),
        ...otherMethodsOf("seedVerifyOtpNoSlash", "drf"),
      },
      "/.well-known/jwks.json": {
        get: {
          operationId: "getJwks",
          summary: "Public keys (JWKS) that verify verificationToken",
          tags: ["Integration"],
          security: PUBLIC,
          description: "The signing key, a rotated-in key one minute before it signs, and retired keys until their tokens expired. Cache-Control: public, max-age=60.",
          responses: {
            200: {
              description: '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"…","kid":"…","alg":"EdDSA","use":"sig"}]}',
              content: jsonContent({ type: "object", required: ["keys"], properties: { keys: { type: "array", items: anyObject } } }),
            },
          },
        },
      },
      "/api/metrics": {
        get: {
          operationId: "getMetrics",
          summary: "Prometheus metrics of this process (text format)",
          tags: ["Operations"],
          description: "Authorization: Bearer <METRICS_TOKEN>. 404 while METRICS_TOKEN is unset. See docs/operations.md.",
          security: [{ metricsToken: [] }],
          responses: {
            200: { description: "Prometheus text format", content: { "text/plain; version=0.0.4": { schema: { type: "string" } } } },
            401: { description: "Error: unauthorized (missing or wrong token)", content: jsonContent(errorSchema(["unauthorized"])) },
            404: { description: "Error: not_found (METRICS_TOKEN unset)", content: jsonContent(errorSchema(["not_found"])) },
          },
        },
      },
      "/api/health": {
        get: {
          operationId: "getHealth",
          summary: "Liveness and database check",
          tags: ["Operations"],
          security: PUBLIC,
          responses: {
            200: { description: "Up, database reachable and migrated", content: jsonContent(schema(health)) },
            503: { description: "The database cannot be reached or is not migrated", content: jsonContent(schema(health)) },
          },
        },
      },
      "/api/openapi.json": {
        get: {
          operationId: "getOpenApi",
          summary: "This description",
          tags: ["Operations"],
          security: PUBLIC,
          responses: okJson("OpenAPI 3.1 document", anyObject),
        },
      },
      "/api/admin/stats": {
        get: admin("getAdminStats", "Dashboard figures for a period", { parameters: queryParameters(statsQuerySchema) }, okJson("Cards and chart series", anyObject)),
      },
      "/api/admin/users": {
        get: admin("listAdminUsers", "Users, newest first", { parameters: queryParameters(userListQuerySchema) }, okJson("One page of users", anyObject)),
      },
      "/api/admin/users/{id}": {
        patch: admin(
          "setAdminUserRole",
          "Promote or demote a user",
          { parameters: [idParameter], requestBody: { required: true, content: jsonContent(schema(setRoleSchema)) } },
          okJson("The user", anyObject),
        ),
      },
      "/api/admin/verifications": {
        get: admin("listAdminVerifications", "Verifications, newest first, filtered", { parameters: queryParameters(verificationListQuerySchema) }, okJson("One keyset page", anyObject)),
      },
      "/api/admin/verifications/{id}": {
        get: admin("getAdminVerification", "One verification with its SMS and verify attempts", { parameters: [idParameter] }, okJson("The verification and its timeline", anyObject)),
      },
      "/api/admin/verifications.csv": {
        get: admin(
          "exportAdminVerificationsCsv",
          "The filtered verifications as CSV",
          { parameters: queryParameters(verificationFiltersSchema) },
          { 200: { description: "CSV, streamed", content: { "text/csv": { schema: { type: "string" } } } } },
        ),
      },
      "/api/admin/sms/poll": {
        post: admin("pollAdminSmsReports", "Fetch mShastra delivery reports for recent messages", {}, okJson("What was updated", anyObject)),
      },
      "/api/admin/webhooks": {
        get: admin("listAdminWebhooks", "Webhook endpoints, newest first (never the secret)", {}, okJson("The endpoints", { type: "object", properties: { items: { type: "array", items: schema(webhookEndpoint) } } })),
        post: admin(
          "createAdminWebhook",
          "Add a webhook endpoint; the signing secret is in this answer only",
          {
            description: "Private, loopback and link-local URLs are refused in production unless WEBHOOK_ALLOW_PRIVATE=1. Audit event webhook_endpoint_created.",
            requestBody: { required: true, content: jsonContent(schema(createWebhookSchema)) },
          },
          { 201: { description: "Created", content: jsonContent(schema(webhookEndpoint.extend({ secret: z.string().describe("whsec_… (Standard Webhooks); shown once") }))) } },
        ),
      },
      "/api/admin/webhooks/{id}": {
        delete: admin("deleteAdminWebhook", "Delete an endpoint with its delivery log", { parameters: [idParameter] }, okJson("Deleted", { type: "object", properties: { deleted: { const: true } } })),
      },
      "/api/admin/webhooks/{id}/enable": {
        post: admin(
          "enableAdminWebhook",
          "Enable a disabled endpoint again",
          {
            parameters: [idParameter],
            description:
              "Events are delivered to it again from now on; events of the time it was disabled were not queued for it, and failed deliveries stay failed (Redeliver sends one, also while the endpoint is disabled). Audit event webhook_endpoint_enabled; enabling an enabled endpoint changes nothing.",
          },
          okJson("The endpoint", schema(webhookEndpoint)),
        ),
      },
      "/api/admin/webhooks/{id}/deliveries": {
        get: admin("listAdminWebhookDeliveries", "The newest 50 deliveries with their attempts", { parameters: [idParameter] }, okJson("Deliveries", { type: "object", properties: { items: { type: "array", items: schema(webhookDelivery) } } })),
      },
      "/api/admin/webhooks/{id}/deliveries/{deliveryId}/redeliver": {
        post: admin(
          "redeliverAdminWebhook",
          "Queue one more attempt now (same webhook-id)",
          { parameters: [idParameter, deliveryParameter], description: "Works whatever the delivery's state, and also while the endpoint is disabled (it stays disabled)." },
          { 202: { description: "Queued", content: jsonContent({ type: "object", properties: { queued: { const: true } } }) } },
        ),
      },
      "/api/{path}": notFoundOperations(),
    },
    webhooks: webhookOperations(),
    components: { headers: HEADERS, securitySchemes: SECURITY_SCHEMES },
  };
}
