import { expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import type { Db } from "../db";
import { adminActorFor } from "./actor";
import { adminActor } from "./testing";
import { listUsers, setUserRole } from "./users";

async function actorFor(db: Db, userId: string) {
  const check = await adminActorFor(db, userId);
  if (!check.ok) throw new Error(`not an admin: ${check.reason}`);
  return check.actor;
}

describeEachDatabase("admin users", (use) => {
  it("promotes a user and records the role change with the acting admin", async () => {
    const { db } = use();
    const admin = await db.user.create({ data: { phone: uniquePhone(), role: "ADMIN" } });
    const user = await db.user.create({ data: { phone: uniquePhone() } });
    const updated = await setUserRole(await actorFor(db, admin.id), db, { userId: user.id, role: "ADMIN", ip: "203.0.113.9" });
    expect(updated.role).toBe("ADMIN");
    const events = await db.auditEvent.findMany({ where: { type: "role_change", userId: user.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: admin.id, phone: user.phone, ip: "203.0.113.9", data: { from: "USER", to: "ADMIN" } });
  });

  it("records nothing when the role does not change", async () => {
    const { db } = use();
    const admin = await db.user.create({ data: { phone: uniquePhone(), role: "ADMIN" } });
    const user = await db.user.create({ data: { phone: uniquePhone() } });
    await setUserRole(await actorFor(db, admin.id), db, { userId: user.id, role: "USER" });
    expect(await db.auditEvent.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses to let an admin demote themselves, and answers not_found for unknown users", async () => {
    const { db } = use();
    const admin = await db.user.create({ data: { phone: uniquePhone(), role: "ADMIN" } });
    await expect(setUserRole(await actorFor(db, admin.id), db, { userId: admin.id, role: "USER" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(setUserRole(await actorFor(db, admin.id), db, { userId: "missing", role: "ADMIN" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("lists users newest first in keyset pages, filtered by role", async () => {
    const { db } = use();
    const base = Date.UTC(2030, 0, 1); // newer than anything else in this database
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await db.user.create({ data: { phone: uniquePhone(), createdAt: new Date(base + i * 1000), role: i === 2 ? "ADMIN" : "USER" } }));
    const first = await listUsers(await adminActor(db), db, { limit: 2 });
    expect(first.items.map((u) => u.id)).toEqual([made[4].id, made[3].id]);
    const second = await listUsers(await adminActor(db), db, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((u) => u.id)).toEqual([made[2].id, made[1].id]);
    const admins = await listUsers(await adminActor(db), db, { role: "ADMIN", limit: 100 });
    expect(admins.items.map((u) => u.id)).toContain(made[2].id);
    expect(admins.items.every((u) => u.role === "ADMIN")).toBe(true);
  });
});
