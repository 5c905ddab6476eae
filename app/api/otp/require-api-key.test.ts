import { expect, it } from "vitest";
import { adminActor } from "@/lib/admin/testing";
import { createApiKey } from "@/lib/api-keys";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { lastCodeSentTo } from "@/test/otp-context";
import { post, stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

stubRouteEnv({ OTP_REQUIRE_API_KEY: "1" });
const { POST: send } = await import("./send/route");
const { POST: verify } = await import("./verify/route");

describeEachDatabase("OTP_REQUIRE_API_KEY=1", (use) => {
  useDatabaseForRoutes(use);

  it("refuses anonymous native sends and verifies with 401, and sends no SMS", async () => {
    for (const [route, body] of [[send, { phone: uniquePhone() }], [verify, { phone: uniquePhone(), code: "123456" }]] as const) {
      const res = await route(post("/api/otp/x", body));
      expect(res.status).toBe(401);
      expect((await res.json()).error).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/API key/) });
    }
    // A cross-site browser request is no exemption: the cross-site guard refuses it before the key check.
    const crossSite = await send(post("/api/otp/send", { phone: uniquePhone(), purpose: "Login" }, { "sec-fetch-site": "cross-site" }));
    expect(crossSite.status).toBe(403);
    expect((await crossSite.json()).error.code).toBe("cross_site");
  });

  it("keeps the browser login working: same-origin requests for Login only", async () => {
    const browser = { "sec-fetch-site": "same-origin" };
    const phone = uniquePhone();
    expect((await send(post("/api/otp/send", { phone, purpose: "Login" }, browser))).status).toBe(200);
    expect((await verify(post("/api/otp/verify", { phone, code: lastCodeSentTo(phone), purpose: "Login" }, browser))).status).toBe(200);
    expect((await send(post("/api/otp/send", { phone: uniquePhone(), purpose: "Registration" }, browser))).status).toBe(401);
  });

  it("serves callers with a valid key for any purpose", async () => {
    const { key } = await createApiKey(use().db, { name: "backend", scopes: ["otp:send", "otp:verify"] }, { admin: await adminActor(use().db) });
    const phone = uniquePhone();
    const auth = { authorization: `Bearer ${key}` };
    expect((await send(post("/api/otp/send", { phone, purpose: "Registration" }, auth))).status).toBe(200);
    expect((await verify(post("/api/otp/verify", { phone, code: lastCodeSentTo(phone), purpose: "Registration" }, auth))).status).toBe(200);
  });
});
