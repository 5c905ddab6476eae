import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/errors";
import { createTestDatabase, DATABASE_KINDS, uniquePhone, type TestDatabase } from "@/test/db";
import { createTestContext } from "@/test/otp-context";
import { sendOtp, verifyOtp } from "./service";

// Enough connections that the calls really run side by side on PostgreSQL. 300 calls against limits
// of 20 and 10 are the smallest size seen to fail without the IP-key lock (20261201220000_ip_window_locks
// with its two pg_advisory_xact_lock(…, hashtext(p_ip)) lines removed, PostgreSQL let 22 verifies and
// 12 sends through); the 3,000-call version is `npm run bench:concurrency`.
const POOL_SIZE = 30;
const CALLS = Number(process.env.IP_WINDOW_CALLS) || 300;
const VERIFY_LIMIT = 20;
const SEND_LIMIT = 10;

function outcomes(results: PromiseSettledResult<unknown>[]) {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.status === "fulfilled" ? "ok" : r.reason instanceof AppError ? r.reason.code : `crash:${(r.reason as Error)?.message}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

for (const kind of DATABASE_KINDS) {
  describe(`per-IP windows under concurrency [${kind}]`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      // The calls queue for 30 connections: on a busy machine that queue can outlast the app's 5 s
      // wait for a connection. This suite proves the limits, not the pool, so it waits longer.
      database = await createTestDatabase(kind, { poolSize: POOL_SIZE, connectionTimeoutMs: 120_000 });
    }, 120_000);
    afterAll(async () => {
      await database?.drop();
    });

    it(`lets exactly the limit of ${CALLS.toLocaleString("en")} concurrent verifies from one address through`, async () => {
      const { ctx } = createTestContext(database.db, { OTP_MAX_VERIFY_PER_IP_PER_HOUR: String(VERIFY_LIMIT) });
      const ip = "198.51.100.60";
      // Different numbers, none with a pending code: each call that passes the window answers not_found.
      const results = await Promise.allSettled(
        Array.from({ length: CALLS }, () => verifyOtp(ctx, { phone: uniquePhone(), code: "123456", ip })),
      );
      expect(outcomes(results)).toEqual({ not_found: VERIFY_LIMIT, rate_limited: CALLS - VERIFY_LIMIT });
      expect(await database.db.verifyAttempt.count({ where: { ip } })).toBe(VERIFY_LIMIT);
    }, 180_000);

    it(`lets exactly the limit of ${CALLS.toLocaleString("en")} concurrent sends from one address through`, async () => {
      const { ctx } = createTestContext(database.db, { OTP_MAX_SENDS_PER_IP_PER_HOUR: String(SEND_LIMIT) });
      const ip = "2001:db8:30:30::/64";
      const results = await Promise.allSettled(Array.from({ length: CALLS }, () => sendOtp(ctx, { phone: uniquePhone(), ip })));
      expect(outcomes(results)).toEqual({ ok: SEND_LIMIT, rate_limited: CALLS - SEND_LIMIT });
      expect(await database.db.verification.count({ where: { ip } })).toBe(SEND_LIMIT);
    }, 180_000);

    it("does not deadlock when sends and verifies for the same numbers and addresses interleave", async () => {
      const { ctx } = createTestContext(database.db, {
        OTP_MAX_SENDS_PER_IP_PER_HOUR: "1000",
        OTP_MAX_VERIFY_PER_IP_PER_HOUR: "1000",
        OTP_RESEND_COOLDOWN_SECONDS: "0",
        OTP_MAX_SENDS_PER_PHONE_PER_HOUR: "0",
        OTP_MAX_SENDS_PER_PHONE_PER_DAY: "0",
      });
      const phones = Array.from({ length: 4 }, () => uniquePhone());
      const ips = ["192.0.2.1", "192.0.2.2"];
      const results = await Promise.allSettled(
        Array.from({ length: 400 }, (_, i) => {
          const phone = phones[i % phones.length];
          const ip = ips[(i >> 2) % ips.length];
          return i % 3 ? verifyOtp(ctx, { phone, code: "000000", ip }) : sendOtp(ctx, { phone, ip });
        }),
      );
      expect(Object.keys(outcomes(results)).filter((k) => k.startsWith("crash"))).toEqual([]);
    }, 120_000);
  });
}
