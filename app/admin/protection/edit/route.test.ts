import { beforeEach, expect, it, vi } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

// The session is the one thing faked: requireAdmin() runs for real, role read from the database.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; phone: string; role: string } } }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => session.current,
}));

stubRouteEnv({ NEXTAUTH_URL: "http://localhost", OTP_FRAUD_GUARD: "enforce" });
const edit = await import("./route");
const { decodeFlash, PROTECTION_FLASH_COOKIE } = await import("@/lib/admin/protection-form");
const { getProtection } = await import("@/lib/admin/protection");
const { adminActorFor } = await import("@/lib/admin/actor");
const { getOtpContext } = await import("@/lib/otp/context");

const ORIGIN = "http://localhost";

/** What a browser sends for a plain form post from our own page (no JavaScript). */
function form(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}/admin/protection/edit`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, "sec-fetch-site": "same-origin", "user-agent": "form-test", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The flash the 303 set for the page. */
async function flashOf(res: Response) {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${PROTECTION_FLASH_COOKIE}=`));
  expect(cookie, "flash cookie").toMatch(/Path=\/admin\/protection;.*HttpOnly/i);
  return decodeFlash(decodeURIComponent(cookie!.split(";")[0].slice(PROTECTION_FLASH_COOKIE.length + 1)));
}

describeEachDatabase("the Protection page's form route (works without JavaScript)", (database) => {
  useDatabaseForRoutes(database);
  let admin: { id: string; phone: string };
  let member: { id: string; phone: string };

  beforeEach(async () => {
    const { db } = database();
    admin = await db.user.create({ data: { phone: uniquePhone(), role: "ADMIN" } });
    member = await db.user.create({ data: { phone: uniquePhone(), role: "USER" } });
    session.current = null;
  });
  const signIn = (u: { id: string; phone: string }, role = "USER") => (session.current = { user: { id: u.id, phone: u.phone, role } });

  async function counts() {
    const { db } = database();
    return {
      settings: await db.otpGuardSetting.count(),
      safeList: await db.otpSafeListEntry.count(),
      blocks: await db.otpBlock.count({ where: { reason: "manual" } }),
      lifted: await db.otpBlock.count({ where: { liftedAt: { not: null } } }),
      audit: await db.auditEvent.count({ where: { type: { in: ["guard_mode_changed", "safe_list_added", "safe_list_removed", "block_created", "block_lifted"] } } }),
    };
  }

  it("changes nothing for a signed-out visitor (401), a non-admin even with an ADMIN token (403), or a cross-site or non-form post by an admin", async () => {
    const { db } = database();
    signIn(admin);
    const entry = await db.otpSafeListEntry.create({ data: { id: crypto.randomUUID(), value: "+2557139", actorId: admin.id, createdAt: new Date() } });
    const block = await db.otpBlock.create({ data: { id: crypto.randomUUID(), scope: "country", key: "KE", reason: "manual", mode: "enforce", startsAt: new Date(), endsAt: new Date(Date.now() + 3_600_000) } });
    const before = await counts();
    const posts: Record<string, string>[] = [
      { intent: "mode", mode: "off" },
      { intent: "safe-add", value: "+25571399" },
      { intent: "safe-remove", id: entry.id },
      { intent: "block", scope: "country", key: "TZ", minutes: "30" },
      { intent: "lift", id: block.id },
    ];
    const statuses = async (headers: Record<string, string> = {}) => Promise.all(posts.map(async (p) => (await edit.POST(form(p, headers))).status));

    session.current = null;
    expect(await statuses()).toEqual([401, 401, 401, 401, 401]);
    signIn(member, "ADMIN");
    expect(await statuses()).toEqual([403, 403, 403, 403, 403]);
    signIn(admin);
    expect(await statuses({ origin: "https://evil.example", "sec-fetch-site": "cross-site" })).toEqual([403, 403, 403, 403, 403]);
    // No Origin at all (not a browser form): refused too, as on the login forms.
    const bare = new Request(`${ORIGIN}/admin/protection/edit`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "intent=mode&mode=off" });
    expect((await edit.POST(bare)).status).toBe(403);
    expect((await edit.POST(form({}, { "content-type": "text/plain" }))).status).toBe(415);
    expect(await counts()).toEqual(before);
  });

  it("adds and removes a Safe List entry by plain form post: 303 back to the page, the flash says so, the audit names the admin", async () => {
    const { db } = database();
    signIn(admin);
    const added = await edit.POST(form({ intent: "safe-add", value: "+255 713 61", note: "reviewers" }));
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe(`${ORIGIN}/admin/protection`);
    expect(await flashOf(added)).toEqual({ intent: "safe-add", ok: true, message: "Added +25571361 to the Safe List." });
    const entry = await db.otpSafeListEntry.findUniqueOrThrow({ where: { value: "+25571361" } });
    expect(entry).toMatchObject({ note: "reviewers", actorId: admin.id });

    const removed = await edit.POST(form({ intent: "safe-remove", id: entry.id }));
    expect(removed.status).toBe(303);
    expect(await flashOf(removed)).toMatchObject({ ok: true, message: "Removed from the Safe List." });
    expect(await db.otpSafeListEntry.count({ where: { value: "+25571361" } })).toBe(0);
    const events = await db.auditEvent.findMany({ where: { type: { in: ["safe_list_added", "safe_list_removed"] }, actorId: admin.id }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => [e.type, e.userAgent])).toEqual([["safe_list_added", "form-test"], ["safe_list_removed", "form-test"]]);
  });

  it("a refused form answers 303 too, with the field's message and what was typed kept, and changes nothing", async () => {
    signIn(admin);
    const before = await counts();
    const bad = await edit.POST(form({ intent: "block", scope: "range", key: "12345", minutes: "15", note: "typed" }));
    expect(bad.status).toBe(303);
    expect(await flashOf(bad)).toEqual({
      intent: "block",
      ok: false,
      message: expect.any(String),
      fields: { key: expect.stringMatching(/Use \+ and 4 to 15 digits/) },
      values: { scope: "range", key: "12345", minutes: "15", note: "typed" },
    });
    const gone = await edit.POST(form({ intent: "lift", id: "no-such-block" }));
    expect(await flashOf(gone)).toMatchObject({ intent: "lift", ok: false, message: "That block does not exist." });
    expect(await counts()).toEqual(before);
  });

  it("blocks and lifts by form with the same audit events as the API, and switches the guard mode", async () => {
    const { db } = database();
    signIn(admin);
    const phone = "+255713624680";
    const created = await edit.POST(form({ intent: "block", scope: "number", key: phone, minutes: "30", note: "pumping" }));
    expect(await flashOf(created)).toEqual({ intent: "block", ok: true, message: `Blocked number ${phone}.` });
    const block = await db.otpBlock.findFirstOrThrow({ where: { key: phone, reason: "manual" } });
    expect(block).toMatchObject({ scope: "number", mode: "enforce", note: "pumping", actorId: admin.id });
    expect(await flashOf(await edit.POST(form({ intent: "lift", id: block.id })))).toMatchObject({ ok: true });
    expect((await db.otpBlock.findUniqueOrThrow({ where: { id: block.id } })).liftedBy).toBe(admin.id);

    expect(await flashOf(await edit.POST(form({ intent: "mode", mode: "monitor" })))).toEqual({ intent: "mode", ok: true, message: "Guard switched to monitor." });
    expect((await db.otpGuardSetting.findUniqueOrThrow({ where: { id: 1 } })).mode).toBe("monitor");
    const events = await db.auditEvent.findMany({ where: { actorId: admin.id }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["block_created", "block_lifted", "guard_mode_changed"]);
    // The page lists them, newest first, with the admin's number.
    const check = await adminActorFor(db, admin.id);
    if (!check.ok) throw new Error("admin expected");
    const { changes } = await getProtection(db, check.actor, { now: new Date(), guard: (await getOtpContext()).config.guard });
    expect(changes.slice(0, 3).map((c) => [c.type, c.actorPhone])).toEqual([["guard_mode_changed", admin.phone], ["block_lifted", admin.phone], ["block_created", admin.phone]]);
    await edit.POST(form({ intent: "mode", mode: "enforce" }));
  });

  it("answers the page's own fetch (Accept: application/json) with the message, or the error shape with fields", async () => {
    signIn(admin);
    const ok = await edit.POST(form({ intent: "safe-add", value: "+25571362" }, { accept: "application/json" }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ message: "Added +25571362 to the Safe List." });
    const bad = await edit.POST(form({ intent: "safe-add", value: "+25571362" }, { accept: "application/json" }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: "validation_error", message: expect.any(String), fields: { value: "Already on the Safe List." } } });
    const unknown = await edit.POST(form({ intent: "drop-tables" }, { accept: "application/json" }));
    expect(unknown.status).toBe(400);
  });

  it("sends a signed-out visitor who followed the login redirect back to the page", async () => {
    const res = await edit.GET(new Request(`${ORIGIN}/admin/protection/edit`));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${ORIGIN}/admin/protection`);
  });
});
