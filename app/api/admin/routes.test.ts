import { beforeEach, expect, it, vi } from "vitest";
import { makeVerification, SECRET_MARK } from "@/lib/admin/testing";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

// The session is the one thing faked: requireAdmin() runs for real, role read from the database.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; phone: string; role: string } } }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => session.current,
}));

stubRouteEnv();
const verifications = await import("./verifications/route");
const verification = await import("./verifications/[id]/route");
const csv = await import("./verifications.csv/route");
const stats = await import("./stats/route");
const users = await import("./users/route");
const user = await import("./users/[id]/route");
const sessions = await import("./users/[id]/sessions/route");
const { createSessionToken, checkSessionToken } = await import("@/lib/auth/session-token");

const get = (path: string) => new Request(`http://localhost${path}`, { headers: { "x-forwarded-for": "127.0.0.1" } });
const patch = (path: string, body: unknown) =>
  new Request(`http://localhost${path}`, { method: "PATCH", headers: { "content-type": "application/json", "x-forwarded-for": "127.0.0.1" }, body: JSON.stringify(body) });
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const del = (path: string) => new Request(`http://localhost${path}`, { method: "DELETE", headers: { "x-forwarded-for": "127.0.0.1" } });

describeEachDatabase("admin API", (use) => {
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
    ["GET /api/admin/verifications", () => verifications.GET(get("/api/admin/verifications"))],
    ["GET /api/admin/verifications/:id", () => verification.GET(get("/api/admin/verifications/x"), params("x"))],
    ["GET /api/admin/verifications.csv", () => csv.GET(get("/api/admin/verifications.csv"))],
    ["GET /api/admin/stats", () => stats.GET(get("/api/admin/stats"))],
    ["GET /api/admin/users", () => users.GET(get("/api/admin/users"))],
    ["PATCH /api/admin/users/:id", () => user.PATCH(patch(`/api/admin/users/${member.id}`, { role: "ADMIN" }), params(member.id))],
    ["DELETE /api/admin/users/:id/sessions", () => sessions.DELETE(del(`/api/admin/users/${member.id}/sessions`), params(member.id))],
  ] as const;

  it("answers 401 on every admin route without a session", async () => {
    for (const [name, call] of calls()) {
      const res = await call();
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect((await res.json()).error.code).toBe("unauthorized");
    }
  });

  it("answers 403 on every admin route to a signed-in non-admin, even one whose token claims ADMIN", async () => {
    signIn(member, "ADMIN"); // the database says USER: that is what counts
    for (const [name, call] of calls()) {
      const res = await call();
      expect({ name, status: res.status }).toEqual({ name, status: 403 });
    }
    expect((await use().db.user.findUniqueOrThrow({ where: { id: member.id } })).role).toBe("USER");
  });

  it("lists verifications for an admin, with a cursor, and 400 on a bad query", async () => {
    const phone = uniquePhone();
    for (let i = 0; i < 3; i++) await makeVerification(use().db, { phone, createdAt: new Date(Date.UTC(2025, 3, 1) + i * 1000) });
    signIn(admin);
    const first = await verifications.GET(get(`/api/admin/verifications?phone=${encodeURIComponent(phone)}&limit=2`));
    expect(first.status).toBe(200);
    const page = await first.json();
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({ phone, status: "pending", smsProvider: "console" });
    const second = await (await verifications.GET(get(`/api/admin/verifications?phone=${encodeURIComponent(phone)}&limit=2&cursor=${page.nextCursor}`))).json();
    expect(second).toMatchObject({ items: [expect.objectContaining({ phone })], nextCursor: null });

    for (const bad of ["limit=101", "status=nope", "from=yesterday", "phone=abc", "cursor=garbage"]) {
      const res = await verifications.GET(get(`/api/admin/verifications?${bad}`));
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
  });

  it("returns one verification's timeline, 404 for an unknown id", async () => {
    const v = await makeVerification(use().db, { phone: uniquePhone() });
    signIn(admin);
    const res = await verification.GET(get(`/api/admin/verifications/${v.id}`), params(v.id));
    expect(res.status).toBe(200);
    expect((await res.json()).timeline[0].kind).toBe("created");
    expect((await verification.GET(get("/api/admin/verifications/none"), params("none"))).status).toBe(404);
  });

  it("streams the filtered set as a CSV attachment", async () => {
    const phone = uniquePhone();
    await makeVerification(use().db, { phone, status: "verified" });
    await makeVerification(use().db, { phone, status: "locked" });
    signIn(admin);
    const res = await csv.GET(get(`/api/admin/verifications.csv?phone=${encodeURIComponent(phone)}&status=locked`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="verifications-.*\.csv"$/);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`,${phone},`);
    expect(lines[1]).toContain(",locked,");
  });

  it("never sends a code hash or login-token hash in any admin response", async () => {
    const phone = uniquePhone();
    const v = await makeVerification(use().db, { phone, status: "verified" });
    signIn(admin);
    const bodies = await Promise.all([
      verifications.GET(get(`/api/admin/verifications?phone=${encodeURIComponent(phone)}`)),
      verification.GET(get(`/api/admin/verifications/${v.id}`), params(v.id)),
      csv.GET(get(`/api/admin/verifications.csv?phone=${encodeURIComponent(phone)}`)),
    ].map(async (p) => (await p).text()));
    for (const body of bodies) {
      expect(body).toContain(phone);
      expect(body).not.toContain(SECRET_MARK);
      expect(body).not.toMatch(/codeHash|loginTokenHash/);
    }
  });

  it("returns stats for a period and rejects a reversed or too long one", async () => {
    signIn(admin);
    const ok = await stats.GET(get("/api/admin/stats?from=2025-01-01&to=2025-01-03"));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ bucket: "hour", series: expect.any(Array) });
    expect((await stats.GET(get("/api/admin/stats?from=2025-01-03&to=2025-01-01"))).status).toBe(400);
    expect((await stats.GET(get("/api/admin/stats?from=2024-01-01&to=2025-01-01"))).status).toBe(400);
  });

  it("lets an admin promote a user, recording who did it, and lists users", async () => {
    signIn(admin);
    const res = await user.PATCH(patch(`/api/admin/users/${member.id}`, { role: "ADMIN" }), params(member.id));
    expect(res.status).toBe(200);
    expect((await res.json()).user).toMatchObject({ id: member.id, role: "ADMIN" });
    const event = await use().db.auditEvent.findFirstOrThrow({ where: { type: "role_change", userId: member.id } });
    expect(event.actorId).toBe(admin.id);
    expect((await user.PATCH(patch(`/api/admin/users/${member.id}`, { role: "ROOT" }), params(member.id))).status).toBe(400);
    expect((await user.PATCH(patch(`/api/admin/users/${admin.id}`, { role: "USER" }), params(admin.id))).status).toBe(403);
    const list = await (await users.GET(get("/api/admin/users?role=ADMIN&limit=100"))).json();
    expect(list.items.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([admin.id, member.id]));
  });

  it("answers a 4xx in the error shape, never a 500, to NUL bytes in filters, cursors and ids", async () => {
    signIn(admin);
    const nulCursor = Buffer.from(`${new Date().toISOString()}|a\u0000b`).toString("base64url");
    const responses: [string, Response][] = [
      ["purpose", await verifications.GET(get("/api/admin/verifications?purpose=a%00b"))],
      ["provider", await verifications.GET(get("/api/admin/verifications?provider=%00"))],
      ["phone", await verifications.GET(get("/api/admin/verifications?phone=%2B255%00"))],
      ["cursor (raw)", await verifications.GET(get("/api/admin/verifications?cursor=a%00b"))],
      ["cursor (encoded NUL id)", await verifications.GET(get(`/api/admin/verifications?cursor=${nulCursor}`))],
      ["users cursor", await users.GET(get(`/api/admin/users?cursor=${nulCursor}`))],
      ["csv purpose", await csv.GET(get("/api/admin/verifications.csv?purpose=a%00b"))],
      ["detail id", await verification.GET(get("/api/admin/verifications/a%00b"), params("a\u0000b"))],
      ["user id", await user.PATCH(patch("/api/admin/users/a%00b", { role: "ADMIN" }), params("a\u0000b"))],
      ["sessions id", await sessions.DELETE(del("/api/admin/users/a%00b/sessions"), params("a\u0000b"))],
    ];
    for (const [name, res] of responses) {
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect((await res.json()).error.code, name).toBe("validation_error");
    }
  });

  it("checks the CSV export's query before it starts streaming, so a refused query is an error, not a cut-off file", async () => {
    signIn(admin);
    const res = await csv.GET(get("/api/admin/verifications.csv?provider=x%00y"));
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/json/);
  });

  it("signs a user out everywhere: every live session of theirs is refused from the next request on, with an audit event", async () => {
    const { db } = use();
    const first = await createSessionToken(db, { id: member.id, phone: member.phone, role: "USER" });
    const second = await createSessionToken(db, { id: member.id, phone: member.phone, role: "USER" });
    const adminSession = await createSessionToken(db, { id: admin.id, phone: admin.phone, role: "ADMIN" });
    await expect(checkSessionToken(db, first)).resolves.toMatchObject({ sub: member.id });
    signIn(admin);
    const res = await sessions.DELETE(del(`/api/admin/users/${member.id}/sessions`), params(member.id));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ended: 2 });
    await expect(checkSessionToken(db, first)).rejects.toMatchObject({ reason: "ended" });
    await expect(checkSessionToken(db, second)).rejects.toMatchObject({ reason: "ended" });
    await expect(checkSessionToken(db, adminSession)).resolves.toMatchObject({ sub: admin.id });
    const event = await db.auditEvent.findFirstOrThrow({ where: { type: "sessions_ended", userId: member.id } });
    expect(event).toMatchObject({ actorId: admin.id, phone: member.phone, data: { ended: 2 } });
    expect((await sessions.DELETE(del("/api/admin/users/none/sessions"), params("none"))).status).toBe(404);
  });
});
