import { expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { getBreakdown } from "./breakdown";
import { adminActor, makeVerification } from "./testing";

describeEachDatabase("admin breakdown by channel, provider and country", (use) => {
  it("shows one country's carrier failing instead of a global average", async () => {
    const { db } = use();
    const at = (m: number) => new Date(Date.UTC(2024, 7, 1, 10, m));
    const make = async (channel: string, provider: string, country: string, status: "verified" | "pending", smsStatus: "delivered" | "sent" | "undelivered", m: number) => {
      const v = await makeVerification(db, { phone: uniquePhone(), status, smsStatus, createdAt: at(m) });
      await db.verification.update({ where: { id: v.id }, data: { channel, smsProvider: provider, country } });
    };
    await make("sms", "africastalking", "KE", "verified", "delivered", 1);
    await make("sms", "africastalking", "KE", "verified", "delivered", 2);
    await make("sms", "mshastra", "TZ", "pending", "undelivered", 3);
    await make("sms", "mshastra", "TZ", "pending", "undelivered", 4);
    await make("whatsapp", "whatsapp", "TZ", "verified", "delivered", 5);
    await make("sms", "mshastra", "TZ", "verified", "delivered", 90); // outside the period

    const b = await getBreakdown(await adminActor(db), db, { from: at(0), to: at(60) });
    expect(b.byCountry).toEqual([
      { key: "TZ", sent: 3, delivered: 1, verified: 1, conversionPct: 33.3 },
      { key: "KE", sent: 2, delivered: 2, verified: 2, conversionPct: 100 },
    ]);
    expect(b.byChannel).toEqual([
      { key: "sms", sent: 4, delivered: 2, verified: 2, conversionPct: 50 },
      { key: "whatsapp", sent: 1, delivered: 1, verified: 1, conversionPct: 100 },
    ]);
    expect(b.byProvider.map((r) => [r.key, r.sent, r.conversionPct])).toEqual([
      ["africastalking", 2, 100],
      ["mshastra", 2, 0],
      ["whatsapp", 1, 100],
    ]);
  });

  it("answers from its covering index, not a table scan", async () => {
    const { db } = use();
    await db.$executeRawUnsafe(`VACUUM ANALYZE "Verification"`);
    // Seq scans off only to ask "can the covering index answer it alone": on a table this small the
    // planner would rightly read the heap. One transaction, so SET LOCAL and EXPLAIN share a connection.
    const plan = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN SELECT channel, "smsProvider", country, count(*), count(*) FILTER (WHERE "smsStatus" = 'delivered'), count(*) FILTER (WHERE status = 'verified')
           FROM "Verification" WHERE "createdAt" >= now() - interval '1 day' AND "createdAt" < now() AND NOT "isTestNumber" GROUP BY 1, 2, 3`,
      );
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(/Index Only Scan using "Verification_breakdown_idx"/);
  });
});
