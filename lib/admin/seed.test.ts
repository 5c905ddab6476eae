import { expect, it } from "vitest";
import { describeEachDatabase } from "@/test/db";
import { seedAdminData } from "./seed";

describeEachDatabase("admin demo data", (use) => {
  it("fills every status, several countries, SMS failures with reasons and verify attempts, with fake hashes only", async () => {
    const { db } = use();
    const now = new Date();
    const result = await seedAdminData(db, { rows: 2000, days: 2, now, batchSize: 700 });
    expect(result.verifications).toBe(2000);
    const statuses = await db.verification.groupBy({ by: ["status"], _count: true });
    expect(statuses.map((s) => s.status).sort()).toEqual(["expired", "failed", "locked", "pending", "superseded", "verified"]);
    const countries = await db.verification.groupBy({ by: ["country"], _count: true });
    expect(countries.length).toBeGreaterThanOrEqual(5);
    const failed = await db.smsMessage.findFirstOrThrow({ where: { status: "failed" }, select: { errorCode: true, errorMessage: true } });
    expect(failed.errorCode).toBeTruthy();
    expect(await db.verifyAttempt.count({ where: { result: "verified" } })).toBeGreaterThan(0);
    const hashes = await db.verification.findMany({ select: { codeHash: true }, take: 20 });
    expect(hashes.every((h) => /^[0-9a-f]{64}$/.test(h.codeHash))).toBe(true);
    // Each failed verification's last SMS attempt is its recorded result, after any earlier attempt.
    const v = await db.verification.findFirstOrThrow({ where: { status: "failed" }, select: { id: true, smsProvider: true, createdAt: true } });
    const sms = await db.smsMessage.findMany({ where: { verificationId: v.id }, orderBy: { createdAt: "asc" } });
    expect(sms.at(-1)?.provider).toBe(v.smsProvider);
    expect(sms[0].createdAt.getTime()).toBeGreaterThanOrEqual(v.createdAt.getTime());
    // "attempts" counts wrong codes only, as the engine does: a code right at the first try has 0.
    const verified = await db.verification.findMany({ where: { status: "verified" }, select: { id: true, attempts: true }, take: 300 });
    expect(verified.some((x) => x.attempts === 0)).toBe(true);
    expect(verified.some((x) => x.attempts > 0)).toBe(true);
    for (const x of verified) {
      const tries = await db.verifyAttempt.groupBy({ by: ["result"], where: { verificationId: x.id }, _count: true });
      const byResult = Object.fromEntries(tries.map((t) => [t.result, t._count]));
      expect(byResult).toEqual(x.attempts > 0 ? { invalid_code: x.attempts, verified: 1 } : { verified: 1 });
    }
    const locked = await db.verification.findFirstOrThrow({ where: { status: "locked" }, select: { id: true, attempts: true, maxAttempts: true } });
    expect(locked.attempts).toBe(locked.maxAttempts);
    expect(await db.verifyAttempt.count({ where: { verificationId: locked.id, result: "invalid_code" } })).toBe(locked.attempts);
    const phones = await db.verification.findMany({ select: { phone: true }, take: 200 });
    expect(phones.every((p) => /^\+\d{11,14}$/.test(p.phone))).toBe(true);
  });
});
