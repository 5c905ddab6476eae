import { describe, expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { parseAge, purgeAuditEvents, purgeVerifications, retentionCutoffs, runRetentionPurge } from "./retention";
import { makeVerification } from "./testing";

describeEachDatabase("verification retention", (use) => {
  it("deletes old verifications with their SMS and verify attempts in batches, and keeps recent ones", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const old = new Date(Date.now() - 100 * 86_400_000);
    const oldIds: string[] = [];
    for (let i = 0; i < 7; i++) {
      const v = await makeVerification(db, { phone, createdAt: new Date(old.getTime() + i * 1000) });
      oldIds.push(v.id);
      await db.smsMessage.create({ data: { verificationId: v.id, provider: "console", attempt: 1, to: phone, text: "******", status: "sent" } });
      await db.verifyAttempt.create({ data: { verificationId: v.id, phone, purpose: "Login", result: "invalid_code" } });
    }
    await db.verifyAttempt.create({ data: { phone, purpose: "Login", result: "not_found", createdAt: old } });
    const recent = await makeVerification(db, { phone });
    await db.smsMessage.create({ data: { verificationId: recent.id, provider: "console", attempt: 1, to: phone, text: "******", status: "sent" } });

    const batches: number[] = [];
    const result = await purgeVerifications(db, { cutoff: new Date(Date.now() - 90 * 86_400_000), batchSize: 3, onBatch: (r) => batches.push(r.verifications) });
    expect(result).toMatchObject({ verifications: 7, smsMessages: 7, verifyAttempts: 8 });
    expect(batches.slice(0, 3)).toEqual([3, 6, 7]);
    expect(await db.verification.count({ where: { id: { in: oldIds } } })).toBe(0);
    expect(await db.smsMessage.count({ where: { verificationId: { in: oldIds } } })).toBe(0);
    expect(await db.verification.count({ where: { id: recent.id } })).toBe(1);
    expect(await db.smsMessage.count({ where: { verificationId: recent.id } })).toBe(1);
  });

  it("deletes audit events older than their cutoff in batches and keeps the rest", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const day = 86_400_000;
    for (let i = 0; i < 5; i++) await db.auditEvent.create({ data: { type: "rate_limited", phone, count: 7, createdAt: new Date(Date.now() - (400 + i) * day) } });
    await db.auditEvent.create({ data: { type: "sign_in", phone, createdAt: new Date(Date.now() - 366 * day) } });
    await db.auditEvent.create({ data: { type: "sign_in", phone, createdAt: new Date(Date.now() - 364 * day) } });
    expect(await purgeAuditEvents(db, { cutoff: new Date(Date.now() - 365 * day), batchSize: 2 })).toBe(6);
    expect(await db.auditEvent.count({ where: { phone } })).toBe(1);
  });

  it("the whole purge (daily job and db:purge) deletes before the shared cutoffs: old verifications, blocks and finished webhook deliveries, old audit events", async () => {
    const { db } = use();
    const now = new Date("2019-06-01T00:00:00Z"); // before every other test's rows in this database
    const day = 86_400_000;
    const at = (days: number) => new Date(now.getTime() - days * day);
    const phone = uniquePhone();
    const old = await makeVerification(db, { phone, createdAt: at(31) });
    const kept = await makeVerification(db, { phone, createdAt: at(29) });
    await db.auditEvent.createMany({ data: [{ type: "sign_in", phone, createdAt: at(61) }, { type: "sign_in", phone, createdAt: at(59) }] });
    const endpoint = await db.webhookEndpoint.create({ data: { url: "https://hooks.example.com/x", events: ["sms.failed"], secretSealed: "x" } });
    await db.webhookDelivery.createMany({
      data: [
        { id: "msg_purge_done", endpointId: endpoint.id, eventType: "sms.failed", payload: "{}", status: "succeeded", createdAt: at(31) },
        { id: "msg_purge_pending", endpointId: endpoint.id, eventType: "sms.failed", payload: "{}", status: "pending", createdAt: at(31) },
        { id: "msg_purge_recent", endpointId: endpoint.id, eventType: "sms.failed", payload: "{}", status: "failed", createdAt: at(29) },
      ],
    });
    await db.webhookAttempt.create({ data: { deliveryId: "msg_purge_done", attempt: 1, ok: true, latencyMs: 5, createdAt: at(31) } });

    const settings = { VERIFICATION_RETENTION_DAYS: 30, AUDIT_RETENTION_DAYS: 60, OTP_GUARD_BASELINE_DAYS: 7 };
    const result = await runRetentionPurge(db, settings, now);
    expect(result.cutoffs).toEqual({ verifications: at(30), auditEvents: at(60) });
    expect(result).toMatchObject({ verifications: 1, auditEvents: 1, webhookDeliveries: 1 });
    expect(await db.verification.findMany({ where: { id: { in: [old.id, kept.id] } }, select: { id: true } })).toEqual([{ id: kept.id }]);
    expect(await db.auditEvent.count({ where: { phone } })).toBe(1);
    const left = await db.webhookDelivery.findMany({ where: { endpointId: endpoint.id }, orderBy: { id: "asc" }, select: { id: true } });
    expect(left.map((d) => d.id)).toEqual(["msg_purge_pending", "msg_purge_recent"]);
    expect(await db.webhookAttempt.count({ where: { deliveryId: "msg_purge_done" } })).toBe(0);
  });

  it("does nothing when nothing is older than the cutoff", async () => {
    const { db } = use();
    const result = await purgeVerifications(db, { cutoff: new Date(Date.UTC(2000, 0, 1)) });
    expect(result).toEqual({ verifications: 0, smsMessages: 0, verifyAttempts: 0, batches: 0 });
  });
});

describe("retention ages", () => {
  it("cuts at VERIFICATION_RETENTION_DAYS and AUDIT_RETENTION_DAYS before now, or at the ages db:purge is given", () => {
    const settings = { VERIFICATION_RETENTION_DAYS: 90, AUDIT_RETENTION_DAYS: 365, OTP_GUARD_BASELINE_DAYS: 7 };
    const now = new Date("2026-12-02T03:17:00Z");
    expect(retentionCutoffs(settings, now)).toEqual({ verifications: new Date("2026-09-03T03:17:00Z"), auditEvents: new Date("2025-12-02T03:17:00Z") });
    expect(retentionCutoffs(settings, now, { verificationsMs: parseAge("12h") })).toEqual({
      verifications: new Date("2026-12-01T15:17:00Z"),
      auditEvents: new Date("2025-12-02T03:17:00Z"),
    });
    expect(retentionCutoffs(settings, now, { auditEventsMs: parseAge("2w") }).auditEvents).toEqual(new Date("2026-11-18T03:17:00Z"));
  });

  it("reads days, hours and weeks, and refuses anything else", () => {
    expect(parseAge("90d")).toBe(90 * 86_400_000);
    expect(parseAge("12h")).toBe(12 * 3_600_000);
    expect(parseAge("2w")).toBe(14 * 86_400_000);
    expect(parseAge("30")).toBe(30 * 86_400_000);
    expect(() => parseAge("0d")).toThrow();
    expect(() => parseAge("soon")).toThrow();
  });
});
