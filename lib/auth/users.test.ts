import { describe, expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { adminPhoneSet, findUserById, normalizePhone, previousSignInAt, promoteToAdmin, recordLogin, upsertUserOnLogin } from "./users";

describe("normalizePhone", () => {
  it("accepts E.164, 00-prefixed, digits-only international and national numbers", () => {
    expect(normalizePhone("+255 712 345 678")).toBe("+255712345678");
    expect(normalizePhone("00255712345678")).toBe("+255712345678");
    expect(normalizePhone("255712345678")).toBe("+255712345678");
    expect(normalizePhone("0712 345 678", "TZ")).toBe("+255712345678");
  });

  it("returns null for text that is not a valid number", () => {
    for (const value of ["", "abc", "+1", "0712", "<script>", "+255712345678; DROP TABLE"]) expect(normalizePhone(value, "TZ")).toBeNull();
  });

  it("builds the ADMIN_PHONES set in E.164 and skips entries that do not parse", () => {
    expect([...adminPhoneSet(["+255700000900", "0712345678", "nonsense"], "TZ")]).toEqual(["+255700000900", "+255712345678"]);
  });
});

describeEachDatabase("login users", (use) => {
  const noAdmins = new Set<string>();

  it("creates the user on the first login with role USER and lastLoginAt set", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const now = new Date("2026-11-24T10:00:00Z");
    const user = await recordLogin(db, { phone, adminPhones: noAdmins, now, ip: "203.0.113.7", userAgent: "vitest" });
    expect(user).toMatchObject({ phone, role: "USER", lastLoginAt: now });
    expect(await db.user.count({ where: { phone } })).toBe(1);
  });

  it("updates lastLoginAt on every later login without creating a second user", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const first = await upsertUserOnLogin(db, { phone, isAdmin: false, now: new Date("2026-11-24T10:00:00Z") });
    const second = await upsertUserOnLogin(db, { phone, isAdmin: false, now: new Date("2026-11-24T11:30:00Z") });
    expect(second.id).toBe(first.id);
    expect(second.lastLoginAt).toEqual(new Date("2026-11-24T11:30:00Z"));
    expect(await db.user.count({ where: { phone } })).toBe(1);
  });

  it("promotes a phone listed in ADMIN_PHONES to ADMIN at login, new or existing", async () => {
    const { db } = use();
    const fresh = uniquePhone();
    const existing = uniquePhone();
    await recordLogin(db, { phone: existing, adminPhones: noAdmins });
    const admins = adminPhoneSet([fresh, existing.replace("+", "")]);
    expect((await recordLogin(db, { phone: fresh, adminPhones: admins })).role).toBe("ADMIN");
    expect((await recordLogin(db, { phone: existing, adminPhones: admins })).role).toBe("ADMIN");
  });

  it("keeps an admin:add grant when the phone is not in ADMIN_PHONES", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const { created, changed } = await promoteToAdmin(db, phone);
    expect({ created, changed }).toEqual({ created: true, changed: true });
    expect((await recordLogin(db, { phone, adminPhones: noAdmins })).role).toBe("ADMIN");
    expect((await promoteToAdmin(db, phone)).changed).toBe(false);
    const audit = await db.auditEvent.findMany({ where: { phone, type: "role_change" } });
    expect(audit).toHaveLength(1);
    expect(audit[0].data).toMatchObject({ from: null, to: "ADMIN", via: "cli" });
  });

  it("records a sign_in audit event with ip and user agent, and links the verification to the user", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const verification = await db.verification.create({
      data: { id: `v-${phone}`, phone, purpose: "Login", codeHash: "x", status: "verified", maxAttempts: 5, expiresAt: new Date() },
    });
    const user = await recordLogin(db, { phone, verificationId: verification.id, adminPhones: noAdmins, ip: "198.51.100.4", userAgent: "Mozilla/5.0 test" });
    const events = await db.auditEvent.findMany({ where: { userId: user.id, type: "sign_in" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ phone, ip: "198.51.100.4", userAgent: "Mozilla/5.0 test" });
    expect((await db.verification.findUniqueOrThrow({ where: { id: verification.id } })).userId).toBe(user.id);
  });

  it("creates exactly one user when the same phone logs in twice at once", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const users = await Promise.all([1, 2, 3].map(() => upsertUserOnLogin(db, { phone, isAdmin: false })));
    expect(new Set(users.map((u) => u.id)).size).toBe(1);
    expect(await db.user.count({ where: { phone } })).toBe(1);
  });

  it("reports the previous sign-in time, null on a first login", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const user = await recordLogin(db, { phone, adminPhones: noAdmins });
    expect(await previousSignInAt(db, user.id)).toBeNull();
    await recordLogin(db, { phone, adminPhones: noAdmins });
    expect(await previousSignInAt(db, user.id)).toBeInstanceOf(Date);
    expect(await findUserById(db, user.id)).toMatchObject({ phone });
  });
});
