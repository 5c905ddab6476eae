import { expect, it } from "vitest";
import { getStats } from "@/lib/admin/stats";
import { adminActor } from "@/lib/admin/testing";
import { sendOtp } from "@/lib/otp/service";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { createClock, createTestContext } from "@/test/otp-context";
import { recordRefusal } from "./refusals";

describeEachDatabase("refusals in the audit log", (use) => {
  it("aggregates refusals into one row per rule, key and minute, with an exact count under concurrency", async () => {
    const { db } = use();
    const at = new Date("2026-05-01T10:00:05.000Z");
    const ip = "198.51.100.77";
    const base = { type: "rate_limited", rule: "ip_hour", key: ip, keyKind: "ip" as const };
    await Promise.all(Array.from({ length: 50 }, (_, i) => recordRefusal(db, { ...base, at: new Date(at.getTime() + i * 1000) })));
    await recordRefusal(db, { ...base, at: new Date("2026-05-01T10:01:00.000Z") }); // next minute
    await recordRefusal(db, { ...base, rule: "verify_ip_hour", at }); // another rule
    await recordRefusal(db, { ...base, key: "198.51.100.78", at }); // another key
    const rows = await db.auditEvent.findMany({ where: { ip: { in: [ip, "198.51.100.78"] } }, orderBy: [{ createdAt: "asc" }, { count: "desc" }] });
    expect(rows.map((r) => [r.createdAt.toISOString(), (r.data as { rule: string }).rule, r.ip, r.count])).toEqual([
      ["2026-05-01T10:00:05.000Z", "ip_hour", ip, 50],
      ["2026-05-01T10:00:05.000Z", "verify_ip_hour", ip, 1],
      ["2026-05-01T10:00:05.000Z", "ip_hour", "198.51.100.78", 1],
      ["2026-05-01T10:01:00.000Z", "ip_hour", ip, 1],
    ]);
    expect(rows[0].lastAt?.toISOString()).toBe("2026-05-01T10:00:54.000Z");
  });

  it("writes one row a minute for a flood of refused sends, and the dashboard counts every refusal", async () => {
    const clock = createClock(new Date("2026-05-02T08:00:00.000Z"));
    const { ctx } = createTestContext(use().db, { OTP_RESEND_COOLDOWN_SECONDS: "600" }, clock);
    const phone = uniquePhone();
    await sendOtp(ctx, { phone, ip: "192.0.2.90" });
    const refused = await Promise.allSettled(Array.from({ length: 40 }, () => sendOtp(ctx, { phone, ip: "192.0.2.90" })));
    expect(refused.every((r) => r.status === "rejected")).toBe(true);
    clock.advance(60);
    await Promise.allSettled(Array.from({ length: 5 }, () => sendOtp(ctx, { phone, ip: "192.0.2.90" })));
    const rows = await use().db.auditEvent.findMany({ where: { type: "rate_limited", phone }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [(r.data as { rule: string }).rule, r.count])).toEqual([["cooldown", 40], ["cooldown", 5]]);
    const stats = await getStats(await adminActor(use().db), use().db, { from: new Date("2026-05-02T08:00:00.000Z"), to: new Date("2026-05-02T09:00:00.000Z"), bucket: "hour" });
    expect(stats.rateLimited).toBe(45);
  });
});
