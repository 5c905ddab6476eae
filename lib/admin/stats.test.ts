import { expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { getStats } from "./stats";
import { adminActor, makeVerification } from "./testing";

describeEachDatabase("admin stats", (use) => {
  it("counts sent, verified, SMS failures, locked and rate-limited within the period only, per hour", async () => {
    const { db } = use();
    const from = new Date(Date.UTC(2024, 5, 1, 10));
    const to = new Date(Date.UTC(2024, 5, 1, 13));
    const at = (h: number, m = 0) => new Date(Date.UTC(2024, 5, 1, h, m));
    await makeVerification(db, { phone: uniquePhone(), status: "verified", createdAt: at(10, 5) });
    await makeVerification(db, { phone: uniquePhone(), status: "verified", createdAt: at(10, 50) });
    await makeVerification(db, { phone: uniquePhone(), status: "failed", smsStatus: "failed", createdAt: at(11, 1) });
    await makeVerification(db, { phone: uniquePhone(), status: "expired", smsStatus: "undelivered", createdAt: at(12, 59) });
    await makeVerification(db, { phone: uniquePhone(), status: "locked", createdAt: at(12, 0) });
    await makeVerification(db, { phone: uniquePhone(), status: "verified", createdAt: at(13, 0) }); // outside: `to` is exclusive
    await makeVerification(db, { phone: uniquePhone(), status: "verified", createdAt: at(9, 59) }); // outside
    await db.auditEvent.create({ data: { type: "rate_limited", createdAt: at(11, 30) } });
    await db.auditEvent.create({ data: { type: "rate_limited", createdAt: at(14, 0) } });
    await db.verifyAttempt.create({ data: { phone: "+255700000000", purpose: "Login", result: "rate_limited", createdAt: at(12, 30) } });

    const s = await getStats(await adminActor(db), db, { from, to, bucket: "hour" });
    expect(s).toMatchObject({ sent: 5, verified: 2, smsFailed: 2, locked: 1, rateLimited: 2, conversionPct: 40, smsFailurePct: 40 });
    expect(s.series).toEqual([
      { t: "2024-06-01T10:00:00Z", sent: 2, verified: 2, failed: 0 },
      { t: "2024-06-01T11:00:00Z", sent: 1, verified: 0, failed: 1 },
      { t: "2024-06-01T12:00:00Z", sent: 2, verified: 0, failed: 1 },
    ]);
  });

  it("fills empty days with zeros and reports no conversion when nothing was sent", async () => {
    const { db } = use();
    const s = await getStats(await adminActor(db), db, { from: new Date(Date.UTC(2020, 0, 1)), to: new Date(Date.UTC(2020, 0, 4)), bucket: "day" });
    expect(s.series.map((p) => p.t)).toEqual(["2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z", "2020-01-03T00:00:00Z"]);
    expect(s).toMatchObject({ sent: 0, conversionPct: null, smsFailurePct: null });
  });
});
