import { expect, it } from "vitest";
import { AppError } from "@/lib/api/errors";
import { checkMetricsToken } from "@/lib/metrics-auth";
import { routeLabel } from "@/lib/metrics";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { lastCodeSentTo } from "@/test/otp-context";
import { post, stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

const TOKEN = "metrics-token-0123456789abcdef";
stubRouteEnv({ METRICS_TOKEN: TOKEN, OTP_RESEND_COOLDOWN_SECONDS: "60" });
const { GET: scrape } = await import("./route");
const { POST: send } = await import("../otp/send/route");
const { POST: verify } = await import("../otp/verify/route");

const get = (authorization?: string) =>
  scrape(new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }));

/** The value of one sample line, e.g. value(text, 'phoneotp_otp_sends_total{outcome="sent",…}'). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

it("is absent (404 in the error shape) while METRICS_TOKEN is unset", () => {
  const error = (() => {
    try {
      checkMetricsToken(undefined, `Bearer ${TOKEN}`);
    } catch (e) {
      return e as AppError;
    }
  })();
  expect(error?.code).toBe("not_found");
});

it("answers 401 with WWW-Authenticate for a missing, malformed or wrong token", async () => {
  for (const header of [undefined, TOKEN, "Bearer wrong-token-0123456789abcdef", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
    const res = await get(header);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await res.json()).error.code).toBe("unauthorized");
  }
});

it("labels ids as :id so routes stay a small label set", () => {
  expect(routeLabel("/api/admin/verifications/6f1c2d4e-1111-4222-8333-944445555666")).toBe("/api/admin/verifications/:id");
  expect(routeLabel("/api/admin/users/12345")).toBe("/api/admin/users/:id");
  expect(routeLabel("/api/otp/send")).toBe("/api/otp/send");
});

describeEachDatabase("GET /api/metrics", (use) => {
  useDatabaseForRoutes(use);

  it("counts sends, verifies, SMS attempts, rate-limit refusals, request durations and pool usage in Prometheus text", async () => {
    const before = await (await get(`Bearer ${TOKEN}`)).text();
    const phone = uniquePhone();
    expect((await send(post("/api/otp/send", { phone, purpose: "Login" }))).status).toBe(200);
    expect((await send(post("/api/otp/send", { phone, purpose: "Login" }))).status).toBe(429); // cooldown
    expect((await verify(post("/api/otp/verify", { phone, code: "000000" === lastCodeSentTo(phone) ? "111111" : "000000" }))).status).toBe(400);
    expect((await verify(post("/api/otp/verify", { phone, code: lastCodeSentTo(phone) }))).status).toBe(200);

    const res = await get(`bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const delta = (name: string, labels: Record<string, string>) => sample(text, name, labels) - sample(before, name, labels);
    const base = { purpose: "Login", channel: "sms", country: "TZ" };
    expect(delta("phoneotp_otp_sends_total", { ...base, outcome: "sent" })).toBe(1);
    expect(delta("phoneotp_otp_sends_total", { ...base, outcome: "rate_limited" })).toBe(1);
    expect(delta("phoneotp_otp_verifies_total", { ...base, outcome: "invalid_code" })).toBe(1);
    expect(delta("phoneotp_otp_verifies_total", { ...base, outcome: "verified" })).toBe(1);
    expect(delta("phoneotp_sms_attempts_total", { provider: "console", status: "sent" })).toBe(1);
    expect(delta("phoneotp_sms_attempt_duration_seconds_count", { provider: "console", status: "sent" })).toBe(1);
    expect(delta("phoneotp_rate_limit_refusals_total", { rule: "cooldown" })).toBe(1);
    expect(delta("phoneotp_http_request_duration_seconds_count", { route: "/api/otp/send", method: "POST", status: "429" })).toBe(1);
    expect(text).toMatch(/^# TYPE phoneotp_webhook_deliveries_total counter$/m);
    expect(sample(text, "phoneotp_db_pool_connections", { state: "max" })).toBe(use().kind === "postgres" ? 10 : 1);
    // No phone numbers, codes or ids in labels.
    expect(text).not.toContain(phone);
    expect(text).not.toContain(phone.slice(1));
  });
});
