import { describe, expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { verificationListQuerySchema, type VerificationFilters } from "./schemas";
import { adminActor, makeVerification, SECRET_MARK } from "./testing";
import { csvCell, getVerificationDetail, listVerifications, streamVerificationsCsv } from "./verifications";

const filters = (f: Partial<VerificationFilters> = {}): VerificationFilters => ({ phoneMatch: "prefix", ...f });

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let out = "";
  for await (const chunk of gen) out += chunk;
  return out;
}

describeEachDatabase("admin verification queries", (use) => {
  it("pages newest first with a keyset cursor, without repeating or skipping rows", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const t0 = Date.UTC(2025, 0, 1);
    // Two rows share a createdAt: the id breaks the tie.
    for (let i = 0; i < 7; i++) await makeVerification(db, { phone, createdAt: new Date(t0 + Math.floor(i / 2) * 1000) });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listVerifications(await adminActor(db), db, filters({ phone }), { cursor, limit: 3 });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    const all = await listVerifications(await adminActor(db), db, filters({ phone }), { limit: 100 });
    expect(all.items.map((r) => r.id)).toEqual(seen);
    const times = all.items.map((r) => r.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("filters by status, purpose, provider, SMS status, phone prefix or contains, and date range", async () => {
    const { db } = use();
    const a = uniquePhone();
    const b = uniquePhone();
    const day = Date.UTC(2025, 1, 1);
    const v1 = await makeVerification(db, { phone: a, status: "verified", purpose: "Registration", smsProvider: "twilio", smsStatus: "delivered", createdAt: new Date(day) });
    const v2 = await makeVerification(db, { phone: a, status: "failed", smsProvider: "mshastra", smsStatus: "failed", createdAt: new Date(day + 3_600_000) });
    const v3 = await makeVerification(db, { phone: b, status: "locked", smsProvider: "twilio", smsStatus: "sent", createdAt: new Date(day + 86_400_000) });
    const ids = async (f: Partial<VerificationFilters>) =>
      (await listVerifications(await adminActor(db), db, filters({ from: new Date(day - 1), to: new Date(day + 2 * 86_400_000), ...f }))).items.map((r) => r.id).sort();

    expect(await ids({ phone: a })).toEqual([v1.id, v2.id].sort());
    expect(await ids({ phone: a.slice(0, 8) })).toEqual(expect.arrayContaining([v1.id, v2.id]));
    expect(await ids({ phone: a.slice(1) })).toEqual([v1.id, v2.id].sort()); // typed without the +
    expect(await ids({ phone: b.slice(-6), phoneMatch: "contains" })).toEqual([v3.id]);
    expect(await ids({ status: "locked", phone: b })).toEqual([v3.id]);
    expect(await ids({ purpose: "Registration", phone: a })).toEqual([v1.id]);
    expect(await ids({ provider: "twilio", smsStatus: "sent", phone: b })).toEqual([v3.id]);
    expect(await ids({ smsStatus: "failed", phone: a })).toEqual([v2.id]);
    expect(await ids({ phone: a, to: new Date(day + 1000) })).toEqual([v1.id]);
  });

  it("treats a pending code past its expiry as expired, in filters and in the row", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const now = new Date();
    const live = await makeVerification(db, { phone, status: "pending", createdAt: new Date(now.getTime() - 60_000) });
    const stale = await makeVerification(db, { phone, status: "pending", createdAt: new Date(now.getTime() - 600_000) });
    const pending = await listVerifications(await adminActor(db), db, filters({ phone, status: "pending" }), { now });
    expect(pending.items.map((r) => r.id)).toEqual([live.id]);
    const expired = await listVerifications(await adminActor(db), db, filters({ phone, status: "expired" }), { now });
    expect(expired.items.map((r) => r.id)).toEqual([stale.id]);
    expect(expired.items[0].displayStatus).toBe("expired");
  });

  it("shows the last SMS attempt's provider, status, reason and latency on each row", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const v = await makeVerification(db, { phone, status: "failed", smsProvider: "twilio", smsStatus: "failed" });
    await db.smsMessage.create({ data: { verificationId: v.id, provider: "mshastra", attempt: 1, to: phone, text: "Your code is ******", status: "failed", errorCode: "timeout", latencyMs: 10_000, createdAt: new Date(Date.now() - 2000) } });
    await db.smsMessage.create({ data: { verificationId: v.id, provider: "twilio", attempt: 1, to: phone, text: "Your code is ******", status: "failed", errorCode: "invalid_number", errorMessage: "Invalid To number", httpStatus: 400, latencyMs: 230 } });
    const { items } = await listVerifications(await adminActor(db), db, filters({ phone }));
    expect(items[0].lastSms).toMatchObject({ provider: "twilio", status: "failed", errorCode: "invalid_number", latencyMs: 230, attempts: 2 });
  });

  it("builds a timeline of creation, each SMS attempt, each verify attempt and the final state, with the linked user", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const user = await db.user.create({ data: { phone } });
    const created = new Date(Date.now() - 120_000);
    const v = await makeVerification(db, { phone, status: "verified", createdAt: created, userId: user.id, attempts: 2 });
    await db.verification.update({ where: { id: v.id }, data: { verifiedAt: new Date(created.getTime() + 40_000) } });
    await db.smsMessage.create({ data: { verificationId: v.id, provider: "console", attempt: 1, to: phone, text: "******", status: "sent", latencyMs: 3, createdAt: new Date(created.getTime() + 100) } });
    await db.verifyAttempt.create({ data: { verificationId: v.id, phone, purpose: "Login", ip: "198.51.100.1", result: "invalid_code", createdAt: new Date(created.getTime() + 20_000) } });
    await db.verifyAttempt.create({ data: { verificationId: v.id, phone, purpose: "Login", ip: "198.51.100.1", result: "verified", createdAt: new Date(created.getTime() + 40_000) } });

    const detail = await getVerificationDetail(await adminActor(db), db, v.id);
    expect(detail.timeline.map((e) => e.kind)).toEqual(["created", "sms", "verify", "verify", "verified"]);
    expect(detail.user).toMatchObject({ id: user.id, phone });
    expect(detail.verifyAttempts.map((a) => a.result)).toEqual(["invalid_code", "verified"]);
  });

  it("answers not_found for an unknown id", async () => {
    const { db } = use();
    await expect(getVerificationDetail(await adminActor(db), db, "no-such-id")).rejects.toMatchObject({ code: "not_found" });
  });

  it("exports exactly the filtered set as CSV, across many batches", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const other = uniquePhone();
    for (let i = 0; i < 25; i++) await makeVerification(db, { phone, status: i % 5 === 0 ? "locked" : "verified", createdAt: new Date(Date.UTC(2025, 2, 1) + i * 1000) });
    await makeVerification(db, { phone: other, status: "locked" });
    const csv = await collect(streamVerificationsCsv(await adminActor(db), db, filters({ phone, status: "locked" }), { batchSize: 2 }));
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toMatch(/^id,created_at,phone,/);
    expect(lines).toHaveLength(1 + 5);
    expect(lines.slice(1).every((l) => l.includes(`,${phone},`) && l.includes(",locked,"))).toBe(true);
  });

  it("never returns or exports the code hash or the login-token hash", async () => {
    const { db } = use();
    const phone = uniquePhone();
    const v = await makeVerification(db, { phone, status: "verified" });
    const page = await listVerifications(await adminActor(db), db, filters({ phone }));
    const detail = await getVerificationDetail(await adminActor(db), db, v.id);
    const csv = await collect(streamVerificationsCsv(await adminActor(db), db, filters({ phone })));
    for (const text of [JSON.stringify(page), JSON.stringify(detail), csv]) {
      expect(text).not.toContain(SECRET_MARK);
      expect(text).not.toMatch(/codeHash|loginTokenHash/);
    }
    expect(page.items[0]).not.toHaveProperty("codeHash");
  });
});

describe("admin list query", () => {
  it("rejects a page size above 100 and unknown statuses", () => {
    expect(verificationListQuerySchema.safeParse({ limit: "101" }).success).toBe(false);
    expect(verificationListQuerySchema.safeParse({ status: "bogus" }).success).toBe(false);
    expect(verificationListQuerySchema.parse({ limit: "", phone: " +255 712-345 " })).toMatchObject({ limit: 50, phone: "+255712345" });
  });

  it("quotes CSV cells and defuses spreadsheet formulas but keeps phone numbers as they are", () => {
    expect(csvCell("+255712345678")).toBe("+255712345678");
    expect(csvCell("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell(null)).toBe("");
  });
});
