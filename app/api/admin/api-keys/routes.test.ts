import { beforeEach, expect, it, vi } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { lastCodeSentTo } from "@/test/otp-context";
import { post, stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";
import { latestOutboxMessage } from "@/lib/sms/console";

// The session is the one thing faked: requireAdmin() runs for real, role read from the database.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; phone: string; role: string } } }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => session.current,
}));

stubRouteEnv();
const keys = await import("./route");
const key = await import("./[id]/route");
const { POST: send } = await import("../../otp/send/route");
const { POST: verify } = await import("../../otp/verify/route");
const { authenticateApiKey } = await import("@/lib/api-keys");

const params = (id: string) => ({ params: Promise.resolve({ id }) });
const del = (id: string) => key.DELETE(new Request(`http://localhost/api/admin/api-keys/${id}`, { method: "DELETE" }), params(id));
const list = () => keys.GET(new Request("http://localhost/api/admin/api-keys"));
const bearer = (k: string, ip = "203.0.113.5") => ({ authorization: `Bearer ${k}`, "x-otp-socket-ip": ip });

describeEachDatabase("API keys", (use) => {
  useDatabaseForRoutes(use);
  let admin: { id: string; phone: string };

  beforeEach(async () => {
    admin = await use().db.user.create({ data: { phone: uniquePhone(), role: "ADMIN" } });
    session.current = { user: { id: admin.id, phone: admin.phone, role: "ADMIN" } };
  });

  async function createKey(body: Record<string, unknown>) {
    const res = await keys.POST(post("/api/admin/api-keys", body));
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; key: string };
  }

  it("creates a key shown once, lists keys without any secret, revokes it, and audits both", async () => {
    const created = await createKey({ name: "Checkout backend", scopes: ["otp:send", "otp:verify"] });
    expect(created.key).toMatch(/^potp_[\w-]{43}$/);
    const listed = await (await list()).json();
    const item = listed.items.find((k: { id: string }) => k.id === created.id);
    expect(item).toMatchObject({ name: "Checkout backend", scopes: ["otp:send", "otp:verify"], lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(JSON.stringify(listed)).not.toMatch(/keyHash/);
    const row = await use().db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row)).not.toContain(created.key.slice(12));

    const revoked = await del(created.id);
    expect(revoked.status).toBe(200);
    expect((await revoked.json()).apiKey.revokedAt).toBeTruthy();
    const types = (await use().db.auditEvent.findMany({ where: { actorId: admin.id } })).map((e) => e.type).sort();
    expect(types).toEqual(["api_key_created", "api_key_revoked"]);
    expect((await del("no-such-key")).status).toBe(404);
  });

  it("answers 401 signed out and 403 to a non-admin on every API-key route", async () => {
    const created = await createKey({ name: "k", scopes: ["otp:send"] });
    for (const [who, status] of [[null, 401], ["USER", 403]] as const) {
      if (who) {
        const member = await use().db.user.create({ data: { phone: uniquePhone() } });
        session.current = { user: { id: member.id, phone: member.phone, role: "ADMIN" } }; // a stale JWT claim: the database says USER
      } else session.current = null;
      expect((await list()).status).toBe(status);
      expect((await keys.POST(post("/api/admin/api-keys", { name: "x", scopes: ["otp:send"] }))).status).toBe(status);
      expect((await del(created.id)).status).toBe(status);
    }
    expect((await use().db.apiKey.findUniqueOrThrow({ where: { id: created.id } })).revokedAt).toBeNull();
  });

  it("refuses bad key definitions with field errors", async () => {
    for (const body of [{ name: "", scopes: ["otp:send"] }, { name: "k", scopes: [] }, { name: "k", scopes: ["root"] }, { name: "k", scopes: ["otp:send"], allowedIps: ["10.0.0.0/33"] }]) {
      const res = await keys.POST(post("/api/admin/api-keys", body));
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("validation_error");
    }
  });

  it("sends and verifies with a valid key, tags the verification with it and records its last use", async () => {
    const { id, key: secret } = await createKey({ name: "backend", scopes: ["otp:send", "otp:verify"] });
    const phone = uniquePhone();
    const sent = await send(post("/api/otp/send", { phone }, bearer(secret)));
    expect(sent.status).toBe(200);
    const { verificationId } = await sent.json();
    expect((await use().db.verification.findUniqueOrThrow({ where: { id: verificationId } })).apiKeyId).toBe(id);
    expect((await verify(post("/api/otp/verify", { phone, code: lastCodeSentTo(phone) }, bearer(secret)))).status).toBe(200);
    expect((await use().db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).not.toBeNull();
    // Anonymous calls still work (OTP_REQUIRE_API_KEY is off) and are not tagged.
    const anonymous = await (await send(post("/api/otp/send", { phone: uniquePhone() }))).json();
    expect((await use().db.verification.findUniqueOrThrow({ where: { id: anonymous.verificationId } })).apiKeyId).toBeNull();
  });

  it("answers 401 for unknown and revoked keys, 403 out of scope or outside the allowed ranges, and sends no SMS", async () => {
    const sendOnly = await createKey({ name: "send only", scopes: ["otp:send"], allowedIps: ["203.0.113.0/24", "2001:db8::/32"] });
    const revoked = await createKey({ name: "old", scopes: ["otp:send"] });
    await del(revoked.id);
    const phone = uniquePhone();
    const cases: [Record<string, string>, number, string][] = [
      [bearer("potp_unknown0123456789abcdef0123456789abcdef0123"), 401, "unauthorized"],
      [bearer("not-even-a-key"), 401, "unauthorized"],
      [{ authorization: "Bearer" }, 401, "unauthorized"],
      [bearer(revoked.key), 401, "unauthorized"],
      [bearer(sendOnly.key, "198.51.100.7"), 403, "forbidden"],
    ];
    for (const [headers, status, code] of cases) {
      const res = await send(post("/api/otp/send", { phone }, headers));
      expect({ headers, status: res.status }).toEqual({ headers, status });
      expect((await res.json()).error.code).toBe(code);
    }
    expect(latestOutboxMessage(phone)).toBeUndefined();
    expect((await send(post("/api/otp/send", { phone }, bearer(sendOnly.key, "2001:db8::1")))).status).toBe(200);
    const res = await verify(post("/api/otp/verify", { phone, code: lastCodeSentTo(phone) }, bearer(sendOnly.key)));
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/otp:verify/);
  });

  it("gives each key its own hourly budget that concurrent requests cannot overshoot, answered 429 with Retry-After", async () => {
    const { id, key: secret } = await createKey({ name: "budget", scopes: ["otp:send"], rateLimitPerHour: 5 });
    const now = new Date();
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => authenticateApiKey(use().db, { authorization: `Bearer ${secret}`, ip: null, scope: "otp:send", now })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    const res = await send(post("/api/otp/send", { phone: uniquePhone() }, bearer(secret)));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    // A new hour, a new budget.
    await expect(authenticateApiKey(use().db, { authorization: `Bearer ${secret}`, ip: null, scope: "otp:send", now: new Date(now.getTime() + 3_600_001) })).resolves.toMatchObject({ id });
  });
});
