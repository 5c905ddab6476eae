import { expect, test } from "@playwright/test";
import { readCodeFromOutbox, uniquePhone } from "./fixtures";

test.describe("HTTP API over the production server", () => {
  test("the seed's routes answer with and without the trailing slash, never redirecting", async ({ request }) => {
    for (const path of ["/api/users/send-otp/", "/api/users/send-otp"]) {
      const phone = uniquePhone();
      const res = await request.post(path, { data: { phone: phone.slice(1), verification_type: "Login" }, maxRedirects: 0 });
      expect(res.status(), path).toBe(200);
      expect(await res.text()).toBe('{"message":"OTP sent successfully","status":"success"}');
      const code = await readCodeFromOutbox(request, phone);
      const verifyPath = path.replace("send", "verify");
      const ok = await request.post(verifyPath, { data: { phone: phone.slice(1), otp: code, verification_type: "Login" }, maxRedirects: 0 });
      expect(await ok.text()).toBe('{"message":"OTP verified successfully","status":"success","verified":true}');
    }
  });

  test("send → verify through the native API, with the single error shape for a wrong code", async ({ request }) => {
    const phone = uniquePhone();
    const sent = await request.post("/api/otp/send", { data: { phone } });
    expect(sent.status()).toBe(200);
    const code = await readCodeFromOutbox(request, phone);
    const wrong = await request.post("/api/otp/verify", { data: { phone, code: code === "000000" ? "111111" : "000000" } });
    expect(wrong.status()).toBe(400);
    expect((await wrong.json()).error).toMatchObject({ code: "invalid_code", attemptsLeft: 4 });
    const ok = await request.post("/api/otp/verify", { data: { phone, code } });
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "verified" });
  });

  test("junk never produces a 500 or a stack trace", async ({ request }) => {
    const bodies = ["", "{", "null", "[]", '{"phone":{"$gt":""}}', '{"phone":"\\u0000"}', "x".repeat(20_000)];
    for (const body of bodies) {
      for (const path of ["/api/otp/send", "/api/otp/verify", "/api/users/send-otp/", "/api/users/verify-otp/"]) {
        const res = await request.post(path, { data: body, headers: { "content-type": "application/json" } });
        expect(res.status(), `${path} ${body.slice(0, 20)}`).toBeLessThan(500);
        expect(await res.text()).not.toMatch(/\n\s+at |prisma/i);
      }
    }
  });

  test("other methods get 405 with Allow: the API's error shape, and Django REST framework's on the seed's routes", async ({ request }) => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await request.fetch("/api/otp/send", { method });
      expect(res.status(), method).toBe(405);
      expect(res.headers()["allow"]).toBe("POST, OPTIONS");
      expect((await res.json()).error).toMatchObject({ code: "method_not_allowed" });
      const seed = await request.fetch("/api/users/verify-otp/", { method, maxRedirects: 0 });
      expect(seed.status(), method).toBe(405);
      expect(await seed.json()).toEqual({ detail: `Method "${method}" not allowed.` });
    }
    const options = await request.fetch("/api/otp/verify", { method: "OPTIONS" });
    expect(options.status()).toBe(204);
    expect(options.headers()["allow"]).toBe("POST, OPTIONS");
  });

  test("an unknown path under /api is a JSON 404, not an HTML page", async ({ request }) => {
    for (const path of ["/api", "/api/nope", "/api/otp", "/api/OTP/SEND"]) {
      for (const method of ["GET", "POST"]) {
        const res = await request.fetch(path, { method, maxRedirects: 0 });
        expect(res.status(), `${method} ${path}`).toBe(404);
        expect(res.headers()["content-type"]).toMatch(/application\/json/);
        expect((await res.json()).error.code).toBe("not_found");
      }
    }
  });

  test("serves an OpenAPI 3.1 description of the API", async ({ request }) => {
    const res = await request.get("/api/openapi.json");
    expect(res.status()).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/otp/send", "/api/otp/verify", "/api/users/send-otp/"]));
  });
});
