import { expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { adminActorFor, type AdminActor } from "./actor";
import { getBreakdown } from "./breakdown";
import { getStats } from "./stats";
import { listUsers, setUserRole } from "./users";
import { getVerificationDetail, listVerifications, streamVerificationsCsv } from "./verifications";
import { makeVerification } from "./testing";

describeEachDatabase("admin data-access layer", (use) => {
  it("hands out an AdminActor only to a user whose role in the database is ADMIN", async () => {
    const { db } = use();
    const admin = await db.user.create({ data: { phone: uniquePhone(), role: "ADMIN" } });
    const member = await db.user.create({ data: { phone: uniquePhone(), role: "USER" } });
    expect(await adminActorFor(db, admin.id)).toMatchObject({ ok: true, actor: { id: admin.id, phone: admin.phone, role: "ADMIN" } });
    expect(await adminActorFor(db, member.id)).toEqual({ ok: false, reason: "not_admin" });
    expect(await adminActorFor(db, "no-such-user")).toEqual({ ok: false, reason: "no_user" });
    expect(await adminActorFor(db, "")).toEqual({ ok: false, reason: "no_user" });
  });

  it("refuses every admin data function to a look-alike actor that adminActorFor did not make", async () => {
    const { db } = use();
    const admin = await db.user.create({ data: { phone: uniquePhone(), role: "ADMIN" } });
    const member = await db.user.create({ data: { phone: uniquePhone(), role: "USER" } });
    const v = await makeVerification(db, { phone: uniquePhone() });
    const forged = { id: admin.id, phone: admin.phone, role: "ADMIN" } as unknown as AdminActor;
    const calls: [string, () => Promise<unknown>][] = [
      ["listVerifications", () => listVerifications(forged, db, { phoneMatch: "prefix" })],
      ["getVerificationDetail", () => getVerificationDetail(forged, db, v.id)],
      ["streamVerificationsCsv", () => streamVerificationsCsv(forged, db, { phoneMatch: "prefix" }).next()],
      ["getStats", () => getStats(forged, db, { from: new Date(Date.now() - 3_600_000), to: new Date(), bucket: "hour" })],
      ["getBreakdown", () => getBreakdown(forged, db, { from: new Date(Date.now() - 3_600_000), to: new Date() })],
      ["listUsers", () => listUsers(forged, db)],
      ["setUserRole", () => setUserRole(forged, db, { userId: member.id, role: "ADMIN" })],
      ["with no actor at all", () => listUsers(undefined as unknown as AdminActor, db)],
    ];
    for (const [name, call] of calls) {
      await expect(call(), name).rejects.toMatchObject({ code: "forbidden" });
    }
    expect((await db.user.findUniqueOrThrow({ where: { id: member.id } })).role).toBe("USER");
  });
});
