import { describe, expect, it } from "vitest";
import { ERROR_STATUS, OPERATION_ERRORS } from "./errors";
import { buildOpenApiDocument } from "./openapi";

type Response = { content?: Record<string, { schema: Record<string, unknown> }>; headers?: Record<string, unknown> };
type Operation = { operationId: string; security?: unknown[]; responses: Record<string, Response> };

const doc = buildOpenApiDocument({ serverUrl: "https://otp.test", codeLength: 5 });
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item as Record<string, Operation>)
    .filter(([method]) => method !== "parameters")
    .map(([method, op]) => ({ path, method, op })),
);
const find = (operationId: string) => operations.find((o) => o.op.operationId === operationId)!.op;

describe("the OpenAPI document", () => {
  it("describes the verify code with the configured OTP_LENGTH", () => {
    const body = (find("verifyOtp") as unknown as { requestBody: { content: Record<string, { schema: { properties: Record<string, { pattern: string }> } }> } }).requestBody;
    expect(body.content["application/json"].schema.properties.code).toMatchObject({ pattern: "^[0-9]{5}$", minLength: 5, maxLength: 5 });
  });

  it("gives every operation a unique operationId and a security requirement", () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { op, path } of operations) expect(Array.isArray(op.security), path).toBe(true);
    expect(find("getAdminStats").security).toEqual([{ sessionCookie: [] }]);
  });

  it("documents enabling a disabled webhook endpoint: admins only, the endpoint on 200, not_found on 404", () => {
    const enable = operations.find((o) => o.path === "/api/admin/webhooks/{id}/enable" && o.method === "post")!.op;
    expect(enable.operationId).toBe("enableAdminWebhook");
    expect(enable.security).toEqual([{ sessionCookie: [] }]);
    expect(Object.keys(enable.responses["200"].content!["application/json"].schema.properties as object)).toContain("disabledAt");
    expect(enable.responses["404"]).toBeDefined();
  });

  it("declares a body for every response except 204, and Retry-After on every 429 and 503", () => {
    for (const { path, method, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (status === "204") continue;
        expect(response.content, `${method} ${path} ${status}`).toBeTruthy();
        if (status === "429" || (status === "503" && path !== "/api/health")) expect(response.headers?.["Retry-After"], `${method} ${path} ${status}`).toBeTruthy();
      }
    }
  });

  it("lists each operation's own error codes, grouped by their status", () => {
    for (const id of ["sendOtp", "verifyOtp", "getAdminVerification"] as const) {
      const listed = Object.entries(find(id).responses)
        .filter(([status]) => Number(status) >= 400)
        .flatMap(([status, r]) => {
          const codes = ((r.content!["application/json"].schema.properties as Record<string, { properties: { code: { enum: string[] } } }>).error.properties.code.enum);
          for (const code of codes) expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS]).toBe(Number(status));
          return codes;
        });
      expect(listed.sort()).toEqual([...OPERATION_ERRORS[id]].sort());
    }
  });

  it("makes `verified` and `status` required in the seed's verify answers", () => {
    for (const [status, response] of Object.entries(find("seedVerifyOtp").responses)) {
      // 403 is Django's own CSRF refusal ({detail}), answered before the view runs, as the guide's server does.
      if (status === "403") {
        expect(response.content!["application/json"].schema.required, status).toEqual(["detail"]);
        continue;
      }
      expect(response.content!["application/json"].schema.required, status).toEqual(expect.arrayContaining(["message", "status", "verified"]));
    }
  });

  it("describes OPTIONS (204 with Allow), 405 on other methods, the path without slash and the JSON 404", () => {
    expect(find("seedSendOtpNoSlashOptions").responses["204"].headers?.Allow).toBeTruthy();
    expect(find("sendOtpGetNotAllowed").responses["405"].headers?.Allow).toBeTruthy();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/users/send-otp", "/api/users/send-otp/", "/api/openapi.json", "/api/{path}"]));
    expect(doc.servers).toEqual([{ url: "https://otp.test", description: "This server" }]);
    expect(doc.info.license.identifier).toBe("MIT");
  });
});
