/** SEED_ROUTES=off closes the Django guide's routes (every method answers the API's JSON 404), and
 *  ALLOWED_ORIGINS replaces the NEXTAUTH_URL default. */
import { expect, it } from "vitest";
import { latestOutboxMessage } from "@/lib/sms/console";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

stubRouteEnv({ SEED_ROUTES: "off", NEXTAUTH_URL: "https://otp.example.com", ALLOWED_ORIGINS: "https://app.example.com, https://shop.example.com/" });
const sendRoute = await import("./send-otp/route");
const verifyRoute = await import("./verify-otp/route");
const { POST: nativeSend } = await import("../otp/send/route");

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });

describeEachDatabase("SEED_ROUTES=off and ALLOWED_ORIGINS", (use) => {
  useDatabaseForRoutes(use);

  it("answers 404 not_found on the seed routes, for every method, and sends nothing", async () => {
    const phone = uniquePhone();
    const answers = [
      await sendRoute.POST(post("/api/users/send-otp/", JSON.stringify({ phone: phone.slice(1) }))),
      await verifyRoute.POST(post("/api/users/verify-otp/", JSON.stringify({ phone: phone.slice(1), otp: "1234" }))),
      await sendRoute.GET(new Request("http://localhost/api/users/send-otp/")),
      await verifyRoute.OPTIONS(new Request("http://localhost/api/users/verify-otp/", { method: "OPTIONS" })),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("not_found");
    }
    expect(latestOutboxMessage(phone)).toBeUndefined();
    expect(await use().db.verification.count({ where: { phone } })).toBe(0);
  });

  it("allows exactly the origins listed in ALLOWED_ORIGINS, not the NEXTAUTH_URL default", async () => {
    for (const [origin, status] of [["https://app.example.com", 200], ["https://shop.example.com", 200], ["https://otp.example.com", 403], ["http://app.example.com", 403]] as const) {
      const res = await nativeSend(post("/api/otp/send", JSON.stringify({ phone: uniquePhone() }), { Origin: origin }));
      expect([origin, res.status]).toEqual([origin, status]);
    }
  });
});
