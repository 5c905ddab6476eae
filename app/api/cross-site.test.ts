/**
 * Cross-site browser requests are refused on the native and the seed routes before any body is read
 * or any SMS is paid for; requests without Origin (servers) and from our own origin pass.
 */
import { expect, it } from "vitest";
import { latestOutboxMessage } from "@/lib/sms/console";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

// ALLOWED_ORIGINS unset: the origin of NEXTAUTH_URL is the one allowed.
stubRouteEnv({ NEXTAUTH_URL: "https://otp.example.com/login", OTP_LENGTH: "6" });
const { POST: send } = await import("./otp/send/route");
const { POST: verify } = await import("./otp/verify/route");
const { POST: seedSend } = await import("./users/send-otp/route");
const { POST: seedVerify } = await import("./users/verify-otp/route");

const EVIL = { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" };

function request(path: string, body: string, headers: Record<string, string>, contentType = "application/json") {
  return new Request(`https://otp.example.com${path}`, { method: "POST", headers: { "Content-Type": contentType, ...headers }, body });
}

describeEachDatabase("cross-site requests", (use) => {
  useDatabaseForRoutes(use);

  it("refuses a cross-site send on the native API with 403 cross_site and sends nothing", async () => {
    for (const headers of <Record<string, string>[]>[EVIL, { Origin: "https://evil.example" }, { "Sec-Fetch-Site": "cross-site" }, { Origin: "null" }]) {
      const phone = uniquePhone();
      const res = await send(request("/api/otp/send", JSON.stringify({ phone }), headers));
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("cross_site");
      expect(latestOutboxMessage(phone)).toBeUndefined();
      expect(await use().db.verification.count({ where: { phone } })).toBe(0);
    }
  });

  it("refuses a cross-site verify on the native API without spending an attempt", async () => {
    const phone = uniquePhone();
    expect((await send(request("/api/otp/send", JSON.stringify({ phone }), {}))).status).toBe(200);
    const res = await verify(request("/api/otp/verify", JSON.stringify({ phone, code: "000000" }), EVIL));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("cross_site");
    expect(await use().db.verifyAttempt.count({ where: { phone } })).toBe(0);
  });

  it("lets server-to-server calls (no Origin) and our own origin through", async () => {
    const own = { Origin: "https://otp.example.com", "Sec-Fetch-Site": "same-origin" };
    for (const headers of <Record<string, string>[]>[{}, own, { Origin: "https://OTP.example.com" }, { "Sec-Fetch-Site": "none" }]) {
      const phone = uniquePhone();
      expect((await send(request("/api/otp/send", JSON.stringify({ phone }), headers))).status).toBe(200);
      expect(latestOutboxMessage(phone)).toBeDefined();
    }
    expect((await verify(request("/api/otp/verify", JSON.stringify({ phone: uniquePhone(), code: "123456" }), own))).status).toBe(404);
  });

  it("refuses the review's cross-site text/plain POST to the seed send route as Django's CSRF check does, and sends nothing", async () => {
    const phone = uniquePhone();
    const res = await seedSend(request("/api/users/send-otp/", JSON.stringify({ phone: phone.slice(1) }), EVIL, "text/plain"));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: "CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins." });
    expect(latestOutboxMessage(phone)).toBeUndefined();
    const noOrigin = await seedVerify(request("/api/users/verify-otp/", `phone=${phone.slice(1)}&otp=123456`, { "Sec-Fetch-Site": "cross-site" }, "application/x-www-form-urlencoded"));
    expect(noOrigin.status).toBe(403);
    expect(await noOrigin.json()).toEqual({ detail: "CSRF Failed: Cross-site request refused." });
  });

  it("keeps the seed routes working for their clients (no Origin) and our own pages", async () => {
    for (const headers of <Record<string, string>[]>[{}, { Origin: "https://otp.example.com" }]) {
      const phone = uniquePhone();
      const res = await seedSend(request("/api/users/send-otp/", JSON.stringify({ phone: phone.slice(1) }), headers));
      expect(await res.json()).toEqual({ message: "OTP sent successfully", status: "success" });
    }
  });

  it("records cross-site refusals aggregated: one audit row per origin and minute, with a count", async () => {
    const origin = `https://pump-${uniquePhone().slice(-6)}.example`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? send : seedSend)(request(i % 2 ? "/api/otp/send" : "/api/users/send-otp/", JSON.stringify({ phone: uniquePhone() }), { Origin: origin })),
      ),
    );
    expect(results.every((r) => r.status === 403)).toBe(true);
    const rows = await use().db.auditEvent.findMany({ where: { type: "cross_site", data: { path: ["key"], equals: origin } } });
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(20);
    expect(rows.length).toBeLessThanOrEqual(2); // 2 if the requests straddled a minute
  });
});
