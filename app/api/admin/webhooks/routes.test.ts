import type PgBoss from "pg-boss";
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { openQueue } from "@/lib/jobs/queue";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { post, stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

// The session is the one thing faked: requireAdmin() runs for real, role read from the database.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; phone: string; role: string } } }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => session.current,
}));

// Production rules for URLs: private targets are refused unless WEBHOOK_ALLOW_PRIVATE=1.
stubRouteEnv({ NODE_ENV: "production", NEXTAUTH_URL: "http://localhost", PHONE_ALLOWED_COUNTRIES: "*", SMS_ALLOW_CONSOLE_IN_PRODUCTION: "1" });
const hooks = await import("./route");
const hook = await import("./[id]/route");
const deliveries = await import("./[id]/deliveries/route");
const redeliver = await import("./[id]/deliveries/[deliveryId]/redeliver/route");
const enable = await import("./[id]/enable/route");

const params = (p: Record<string, string>) => ({ params: Promise.resolve(p) });
const list = () => hooks.GET(new Request("http://localhost/api/admin/webhooks"));
const del = (id: string) => hook.DELETE(new Request(`http://localhost/api/admin/webhooks/${id}`, { method: "DELETE" }), params({ id }));
const listDeliveries = (id: string) => deliveries.GET(new Request(`http://localhost/api/admin/webhooks/${id}/deliveries`), params({ id }));
const enableOne = (id: string) => enable.POST(post(`/api/admin/webhooks/${id}/enable`, {}), params({ id }));
const redeliverOne = (id: string, deliveryId: string) =>
  redeliver.POST(post(`/api/admin/webhooks/${id}/deliveries/${deliveryId}/redeliver`, {}), params({ id, deliveryId }));

describeEachDatabase("admin webhook routes", (use) => {
  useDatabaseForRoutes(use);
  let admin: { id: string; phone: string };
  let boss: PgBoss;
  const jobs = globalThis as { __otpJobs?: Promise<PgBoss> };

  beforeAll(async () => {
    boss = await openQueue(use(), { work: false });
    jobs.__otpJobs = Promise.resolve(boss);
  });
  afterAll(async () => {
    jobs.__otpJobs = undefined;
    await boss?.stop({ graceful: true, wait: true, close: true });
  });
  beforeEach(async () => {
    admin = await use().db.user.create({ data: { phone: uniquePhone(), role: "ADMIN" } });
    session.current = { user: { id: admin.id, phone: admin.phone, role: "ADMIN" } };
  });

  it("creates an endpoint whose secret is shown once, lists it without the secret, deletes it, and audits both", async () => {
    const res = await hooks.POST(post("/api/admin/webhooks", { url: "https://hooks.example.com/otp", events: ["verification.approved", "verification.approved"] }));
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; secret: string; events: string[] };
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    expect(created.events).toEqual(["verification.approved"]);
    const listed = await (await list()).json();
    expect(listed.items.find((e: { id: string }) => e.id === created.id)).toMatchObject({ url: "https://hooks.example.com/otp", disabledAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.secret.slice(6));
    expect(JSON.stringify(listed)).not.toMatch(/secretSealed/);
    expect((await (await listDeliveries(created.id)).json()).items).toEqual([]);
    expect((await redeliverOne(created.id, "msg_nope")).status).toBe(404);

    expect((await del(created.id)).status).toBe(200);
    expect((await del(created.id)).status).toBe(404);
    const types = (await use().db.auditEvent.findMany({ where: { actorId: admin.id } })).map((e) => e.type).sort();
    expect(types).toEqual(["webhook_endpoint_created", "webhook_endpoint_deleted"]);
  });

  it("enables a disabled endpoint with one audit event, redelivers to it while disabled, and answers 404 for an unknown id", async () => {
    const created = await (await hooks.POST(post("/api/admin/webhooks", { url: "https://hooks.example.com/enable", events: ["sms.failed"] }))).json();
    const disabledAt = new Date("2026-12-01T10:00:00Z");
    await use().db.webhookEndpoint.update({ where: { id: created.id }, data: { disabledAt, disabledReason: "7 attempts over about a day failed (last: http_500)" } });
    const deliveryId = `msg_enable_${use().kind}`;
    await use().db.webhookDelivery.create({ data: { id: deliveryId, endpointId: created.id, eventType: "sms.failed", payload: "{}", status: "failed", attempts: 7 } });

    // Redeliver does not wait for Enable (Svix, Stripe): the attempt is queued, the endpoint stays disabled.
    expect((await redeliverOne(created.id, deliveryId)).status).toBe(202);
    const [job] = await use().db.$queryRawUnsafe<{ data: { manual: boolean } }[]>(`SELECT data FROM pgboss.job WHERE name = 'webhook-deliver' AND data->>'deliveryId' = $1`, deliveryId);
    expect(job.data.manual).toBe(true);
    expect((await use().db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } })).disabledAt).toEqual(disabledAt);

    const res = await enableOne(created.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: created.id, disabledAt: null, disabledReason: null });
    expect((await enableOne(created.id)).status).toBe(200); // already enabled: nothing changes
    const audits = await use().db.auditEvent.findMany({ where: { actorId: admin.id, type: "webhook_endpoint_enabled" } });
    expect(audits.map((a) => a.data)).toEqual([{ webhookEndpointId: created.id, disabledAt: disabledAt.toISOString(), disabledReason: "7 attempts over about a day failed (last: http_500)" }]);
    const missing = await enableOne("00000000-0000-0000-0000-000000000000");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("not_found");
  });

  it("refuses bad URLs, private targets in production, and unknown events with 400", async () => {
    for (const body of [
      { url: "ftp://example.com/x", events: ["sms.failed"] },
      { url: "not a url", events: ["sms.failed"] },
      { url: "https://user:pw@example.com/x", events: ["sms.failed"] },
      { url: "http://127.0.0.1:8080/x", events: ["sms.failed"] },
      { url: "http://[::1]/x", events: ["sms.failed"] },
      { url: "http://10.1.2.3/x", events: ["sms.failed"] },
      { url: "http://169.254.169.254/latest/meta-data", events: ["sms.failed"] },
      { url: "http://localhost/x", events: ["sms.failed"] },
      { url: "https://example.com/x", events: [] },
      { url: "https://example.com/x", events: ["user.deleted"] },
      { url: "https://example.com/x" },
    ]) {
      const res = await hooks.POST(post("/api/admin/webhooks", body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.code).toBe("validation_error");
    }
    expect(await use().db.webhookEndpoint.count({ where: { createdById: admin.id } })).toBe(0);
  });

  it("answers 401 signed out and 403 to a non-admin on every webhook route", async () => {
    const created = await (await hooks.POST(post("/api/admin/webhooks", { url: "https://hooks.example.com/a", events: ["sms.failed"] }))).json();
    for (const [who, status] of [[null, 401], ["USER", 403]] as const) {
      if (who) {
        const member = await use().db.user.create({ data: { phone: uniquePhone() } });
        session.current = { user: { id: member.id, phone: member.phone, role: "ADMIN" } }; // a stale claim: the database says USER
      } else session.current = null;
      expect((await list()).status).toBe(status);
      expect((await hooks.POST(post("/api/admin/webhooks", { url: "https://x.example.com/", events: ["sms.failed"] }))).status).toBe(status);
      expect((await listDeliveries(created.id)).status).toBe(status);
      expect((await redeliverOne(created.id, "msg_x")).status).toBe(status);
      expect((await enableOne(created.id)).status).toBe(status);
      expect((await del(created.id)).status).toBe(status);
    }
    expect(await use().db.webhookEndpoint.count({ where: { id: created.id } })).toBe(1);
  });
});
