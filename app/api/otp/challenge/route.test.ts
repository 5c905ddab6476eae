import { solveChallenge } from "altcha-lib/v1";
import { expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { post, stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

stubRouteEnv({ OTP_CHALLENGE: "always", OTP_CHALLENGE_MAX_NUMBER: "2000" });
const challenge = await import("./route");
const send = await import("../send/route");
const seedSend = await import("@/app/api/users/send-otp/route");

describeEachDatabase("GET /api/otp/challenge and the native send", (use) => {
  useDatabaseForRoutes(use);

  it("hands out an ALTCHA challenge whose solution the send accepts once; without one it answers 400 challenge_required", async () => {
    const res = await challenge.GET(new Request("http://localhost/api/otp/challenge"));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const c = await res.json();
    expect(c).toMatchObject({ provider: "altcha", mode: "always", algorithm: "SHA-256", salt: expect.any(String), signature: expect.any(String) });

    const missing = await send.POST(post("/api/otp/send", { phone: uniquePhone() }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: { code: "challenge_required", message: expect.any(String), fields: { challenge: expect.any(String) } } });

    const solution = await solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber).promise;
    const payload = Buffer.from(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: solution!.number, salt: c.salt, signature: c.signature })).toString("base64");
    expect((await send.POST(post("/api/otp/send", { phone: uniquePhone(), challenge: payload }))).status).toBe(200);
    expect((await send.POST(post("/api/otp/send", { phone: uniquePhone(), challenge: payload }))).status).toBe(400);
    expect((await send.POST(post("/api/otp/send", { phone: uniquePhone(), challenge: 42 }))).status).toBe(400);
  });

  it("still sends on the seed route, whose clients cannot solve challenges", async () => {
    const res = await seedSend.POST(post("/api/users/send-otp/", { phone: uniquePhone().slice(1) }));
    expect(res.status).toBe(200);
  });
});
