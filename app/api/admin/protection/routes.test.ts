import { beforeEach, expect, it, vi } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { post, stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

// The session is the one thing faked: requireAdmin() runs for real, role read from the database.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; phone: string; role: string } } }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => session.current,
}));

stubRouteEnv({ OTP_FRAUD_GUARD: "enforce", OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "30" });
const protection = await import("./route");
const mode = await import("./mode/route");
const safeList = await import("./safe-list/route");
const safeListEntry = await import("./safe-list/[id]/route");
const blocks = await import("./blocks/route");
const block = await import("./blocks/[id]/route");
const send = await import("@/app/api/otp/send/route");

const get = (path: string) => new Request(`http://localhost${path}`, { headers: { "x-forwarded-for": "127.0.0.1" } });
const put = (path: string, body: unknown) =>
  new Request(`http://localhost${path}`, { method: "PUT", headers: { "content-type": "application/json", "x-forwarded-for": "127.0.0.1" }, body: JSON.stringify(body) });
const del = (path: string) => new Request(`http://localhost${path}`, { method: "DELETE", headers: { "x-forwarded-for": "127.0.0.1" } });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

describeEachDatabase("Protection admin API", (use) => {
  useDatabaseForRoutes(use);
  let admin: { id: string; phone: string };
  let member: { id: string; phone: string };

  beforeEach(async () => {
    const { db } = use();
    admin = await db.user.create({ data: { phone: uniquePhone(), role: "ADMIN" } });
    member = await db.user.create({ data: { phone: uniquePhone(), role: "USER" } });
    session.current = null;
  });
  const signIn = (u: { id: string; phone: string }, role = "USER") => (session.current = { user: { id: u.id, phone: u.phone, role } });

  const calls = () => [
    ["GET /api/admin/protection", () => protection.GET(get("/api/admin/protection"))],
    ["PUT /api/admin/protection/mode", () => mode.PUT(put("/api/admin/protection/mode", { mode: "off" }))],
    ["POST /api/admin/protection/safe-list", () => safeList.POST(post("/api/admin/protection/safe-list", { value: "+25571234" }))],
    ["DELETE /api/admin/protection/safe-list/:id", () => safeListEntry.DELETE(del("/api/admin/protection/safe-list/x"), params("x"))],
    ["POST /api/admin/protection/blocks", () => blocks.POST(post("/api/admin/protection/blocks", { scope: "country", key: "TZ" }))],
    ["DELETE /api/admin/protection/blocks/:id", () => block.DELETE(del("/api/admin/protection/blocks/x"), params("x"))],
  ] as const;

  it("answers 401 signed out and 403 to a non-admin (even one whose token claims ADMIN) on every Protection route, changing nothing", async () => {
    for (const [name, call] of calls()) expect({ name, status: (await call()).status }).toEqual({ name, status: 401 });
    signIn(member, "ADMIN");
    for (const [name, call] of calls()) expect({ name, status: (await call()).status }).toEqual({ name, status: 403 });
    const { db } = use();
    expect(await db.otpGuardSetting.count()).toBe(0);
    expect(await db.otpSafeListEntry.count()).toBe(0);
    expect(await db.otpBlock.count()).toBe(0);
  });

  it("blocks a number by hand: the send answers 403 blocked with retryAfter, the audit log names the admin, lifting reopens it", async () => {
    signIn(admin);
    const phone = "+255713570000";
    const created = await blocks.POST(post("/api/admin/protection/blocks", { scope: "number", key: "+255 713 570 000", minutes: 30, note: "reported pumping" }));
    expect(created.status).toBe(201);
    const { block: b } = await created.json();
    expect(b).toMatchObject({ scope: "number", key: phone, reason: "manual", mode: "enforce", note: "reported pumping", actorId: admin.id });

    const refused = await send.POST(post("/api/otp/send", { phone }));
    expect(refused.status).toBe(403);
    const body = await refused.json();
    expect(body).toEqual({ error: { code: "blocked", message: expect.any(String), retryAfter: expect.any(Number) } });
    expect(body.error.retryAfter).toBeGreaterThan(29 * 60);
    expect(refused.headers.get("retry-after")).toBe(String(body.error.retryAfter));

    const page = await (await protection.GET(get("/api/admin/protection"))).json();
    expect(page.blocks.active.map((x: { id: string }) => x.id)).toContain(b.id);
    expect((await block.DELETE(del(`/api/admin/protection/blocks/${b.id}`), params(b.id))).status).toBe(200);
    expect((await send.POST(post("/api/otp/send", { phone }))).status).toBe(200);
    const events = await use().db.auditEvent.findMany({ where: { type: { in: ["block_created", "block_lifted"] }, actorId: admin.id } });
    expect(events.map((e) => e.type).sort()).toEqual(["block_created", "block_lifted"]);
  });

  it("edits the Safe List with validation and an audit trail", async () => {
    signIn(admin);
    const res = await safeList.POST(post("/api/admin/protection/safe-list", { value: "+2557135", note: "reviewers" }));
    expect(res.status).toBe(201);
    const { entry } = await res.json();
    expect((await safeList.POST(post("/api/admin/protection/safe-list", { value: "+2557135" }))).status).toBe(400);
    for (const value of ["2557135", "+12", "+25571abc", ""]) {
      const bad = await safeList.POST(post("/api/admin/protection/safe-list", { value }));
      expect({ value, status: bad.status, code: (await bad.json()).error.code }).toEqual({ value, status: 400, code: "validation_error" });
    }
    const page = await (await protection.GET(get("/api/admin/protection"))).json();
    expect(page.safeList.map((e: { value: string }) => e.value)).toContain("+2557135");
    expect((await safeListEntry.DELETE(del(`/api/admin/protection/safe-list/${entry.id}`), params(entry.id))).status).toBe(204);
    expect((await safeListEntry.DELETE(del(`/api/admin/protection/safe-list/${entry.id}`), params(entry.id))).status).toBe(404);
    const events = await use().db.auditEvent.findMany({ where: { type: { in: ["safe_list_added", "safe_list_removed"] }, actorId: admin.id } });
    expect(events).toHaveLength(2);
  });

  it("switches the guard mode for every instance, stored in the database and audited", async () => {
    signIn(admin);
    expect((await (await protection.GET(get("/api/admin/protection"))).json()).mode).toMatchObject({ current: "enforce", source: "config" });
    expect((await mode.PUT(put("/api/admin/protection/mode", { mode: "monitor" }))).status).toBe(200);
    expect((await (await protection.GET(get("/api/admin/protection"))).json()).mode).toMatchObject({ current: "monitor", source: "admin", configured: "enforce" });
    expect((await mode.PUT(put("/api/admin/protection/mode", { mode: "loud" }))).status).toBe(400);
    const event = await use().db.auditEvent.findFirstOrThrow({ where: { type: "guard_mode_changed", actorId: admin.id } });
    expect(event.data).toMatchObject({ to: "monitor" });
    await mode.PUT(put("/api/admin/protection/mode", { mode: "enforce" }));
  });

  it("shows sends against verifies per country and range", async () => {
    signIn(admin);
    const phones = ["+255714680001", "+255714680002"];
    for (const phone of phones) expect((await send.POST(post("/api/otp/send", { phone }))).status).toBe(200);
    const page = await (await protection.GET(get("/api/admin/protection"))).json();
    expect(page.traffic.ranges).toContainEqual({ key: "+25571468", sends: 2, verified: 0 });
    expect(page.traffic.countries).toContainEqual(expect.objectContaining({ key: "TZ" }));
  });
});
