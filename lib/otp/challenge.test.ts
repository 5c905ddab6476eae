import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { solveChallenge } from "altcha-lib/v1";
import { afterAll, beforeAll, expect, it } from "vitest";
import { AppError } from "@/lib/api/errors";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { createClock, createTestContext, lastCodeSentTo, sendOutcome as outcome } from "@/test/otp-context";
import { createBotChallenge } from "./challenge";
import type { ChallengeConfig } from "./config";
import { sendOtp, verifyOtp } from "./service";

/** Solves an ALTCHA challenge the way the login page's Web Worker does, into the payload it posts. */
async function solve(config: ChallengeConfig, now: Date, tamper?: (p: Record<string, unknown>) => void): Promise<string> {
  const c = await createBotChallenge(config, now);
  if (c.provider !== "altcha" || c.mode === "off") throw new Error("expected an ALTCHA challenge");
  const solution = await solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber).promise;
  if (!solution) throw new Error("unsolved");
  const payload: Record<string, unknown> = { algorithm: c.algorithm, challenge: c.challenge, number: solution.number, salt: c.salt, signature: c.signature };
  tamper?.(payload);
  return Buffer.from(JSON.stringify(payload)).toString("base64");
}

const ALWAYS = { OTP_CHALLENGE: "always", OTP_CHALLENGE_MAX_NUMBER: "2000", OTP_RESEND_COOLDOWN_SECONDS: "0" };

/** A local stand-in for Turnstile's and hCaptcha's siteverify: a `good-token…` passes once. */
let siteverify: Server;
let siteverifyUrl = "";
const seen: URLSearchParams[] = [];
beforeAll(async () => {
  const used = new Set<string>();
  siteverify = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const form = new URLSearchParams(body);
      seen.push(form);
      const token = form.get("response") ?? "";
      const success = form.get("secret") === "fake-secret" && token.startsWith("good-token") && !used.has(token);
      if (success) used.add(token);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(success ? { success: true } : { success: false, "error-codes": ["invalid-input-response"] }));
    });
  });
  await new Promise<void>((resolve) => siteverify.listen(0, "127.0.0.1", resolve));
  siteverifyUrl = `http://127.0.0.1:${(siteverify.address() as AddressInfo).port}/siteverify`;
});
afterAll(() => new Promise<void>((resolve) => siteverify.close(() => resolve())));

describeEachDatabase("bot challenge", (use) => {
  it("with OTP_CHALLENGE=always refuses a send without a solution as 400 challenge_required, and sends with one", async () => {
    const { ctx } = createTestContext(use().db, ALWAYS);
    const phone = uniquePhone();
    const refused = await sendOtp(ctx, { phone }).catch((e: AppError) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(400);
    expect((refused as AppError).code).toBe("challenge_required");
    expect(await outcome(sendOtp(ctx, { phone, challenge: await solve(ctx.config.challenge, ctx.now()) }))).toBe("sent");
  });

  it("accepts each solution once, on every instance sharing the database", async () => {
    const { ctx } = createTestContext(use().db, ALWAYS);
    const { ctx: otherInstance } = createTestContext(use().db, ALWAYS);
    const challenge = await solve(ctx.config.challenge, ctx.now());
    const results = await Promise.all([
      outcome(sendOtp(ctx, { phone: uniquePhone(), challenge })),
      outcome(sendOtp(otherInstance, { phone: uniquePhone(), challenge })),
      outcome(sendOtp(ctx, { phone: uniquePhone(), challenge })),
    ]);
    expect(results.sort()).toEqual(["challenge_required", "challenge_required", "sent"]);
  });

  it("refuses an expired, tampered or foreign-key solution", async () => {
    const clock = createClock();
    const { ctx } = createTestContext(use().db, { ...ALWAYS, OTP_CHALLENGE_TTL_SECONDS: "60" }, clock);
    const expired = await solve(ctx.config.challenge, ctx.now());
    clock.advance(61);
    expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), challenge: expired }))).toBe("challenge_required");
    const wrongNumber = await solve(ctx.config.challenge, ctx.now(), (p) => (p.number = Number(p.number) + 1));
    expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), challenge: wrongNumber }))).toBe("challenge_required");
    const { ctx: otherKey } = createTestContext(use().db, { ...ALWAYS, OTP_SECRET: "another-otp-secret-0123456789abcdef0123456789" }, clock);
    expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), challenge: await solve(otherKey.config.challenge, ctx.now()) }))).toBe("challenge_required");
    expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), challenge: "not base64 json" }))).toBe("challenge_required");
  });

  it("with OTP_CHALLENGE=adaptive asks nothing while risk is low, and asks once the number's range is under watch", async () => {
    const clock = createClock(new Date("2026-04-01T10:00:00Z"));
    const { ctx } = createTestContext(use().db, { OTP_CHALLENGE: "adaptive", OTP_CHALLENGE_MAX_NUMBER: "2000", OTP_FRAUD_GUARD: "monitor", OTP_GUARD_MIN_SENDS_PER_PREFIX: "3", OTP_GUARD_SUSPECT_SENDS: "0", OTP_RESEND_COOLDOWN_SECONDS: "0" }, clock);
    const range = "+25576555";
    for (let i = 0; i < 3; i++) expect(await outcome(sendOtp(ctx, { phone: `${range}000${i}` }))).toBe("sent");
    // The 4th send finds 3 unverified codes: a monitor-mode block is recorded, and it goes out.
    expect(await outcome(sendOtp(ctx, { phone: `${range}0003` }))).toBe("sent");
    expect(await use().db.otpBlock.count({ where: { key: range, mode: "monitor" } })).toBe(1);
    expect(await outcome(sendOtp(ctx, { phone: `${range}0004` }))).toBe("challenge_required");
    expect(await outcome(sendOtp(ctx, { phone: `${range}0004`, challenge: await solve(ctx.config.challenge, ctx.now()) }))).toBe("sent");
    expect(await outcome(sendOtp(ctx, { phone: "+255787650000" }))).toBe("sent"); // another range: no challenge
  });

  it("with OTP_CHALLENGE=adaptive asks a range that sent OTP_GUARD_SUSPECT_SENDS codes, none verified, before any block", async () => {
    const clock = createClock(new Date("2026-04-01T12:00:00Z"));
    const { ctx } = createTestContext(use().db, { OTP_CHALLENGE: "adaptive", OTP_CHALLENGE_MAX_NUMBER: "2000", OTP_FRAUD_GUARD: "enforce", OTP_GUARD_SUSPECT_SENDS: "2", OTP_RESEND_COOLDOWN_SECONDS: "0" }, clock);
    const range = "+25576556";
    for (let i = 0; i < 2; i++) expect(await outcome(sendOtp(ctx, { phone: `${range}000${i}` }))).toBe("sent");
    expect(await outcome(sendOtp(ctx, { phone: `${range}0002` }))).toBe("challenge_required");
    expect(await outcome(sendOtp(ctx, { phone: `${range}0002`, challenge: await solve(ctx.config.challenge, ctx.now()) }))).toBe("sent");
    expect(await use().db.otpBlock.count({ where: { key: range } })).toBe(0);
    // A range whose codes are verified is not suspect, however many it sends.
    const busy = "+25576557";
    for (let i = 0; i < 4; i++) {
      const phone = `${busy}000${i}`;
      expect(await outcome(sendOtp(ctx, { phone }))).toBe("sent");
      await verifyOtp(ctx, { phone, code: lastCodeSentTo(phone) });
    }
  });

  it("with OTP_CHALLENGE=adaptive asks no challenge of a send the guard refuses anyway, and answers 403 blocked", async () => {
    const clock = createClock(new Date("2026-04-01T14:00:00Z"));
    const { ctx } = createTestContext(use().db, { OTP_CHALLENGE: "adaptive", OTP_CHALLENGE_MAX_NUMBER: "2000", OTP_FRAUD_GUARD: "enforce" }, clock);
    const range = "+25576558";
    await use().db.otpBlock.create({ data: { id: "challenge-refused", scope: "range", key: range, reason: "manual", mode: "enforce", startsAt: ctx.now(), endsAt: new Date(ctx.now().getTime() + 600_000) } });
    expect(await outcome(sendOtp(ctx, { phone: `${range}0000` }))).toBe("blocked");
  });

  it("with OTP_CHALLENGE=adaptive asks a client IP over half its hourly budget", async () => {
    const { ctx } = createTestContext(use().db, { OTP_CHALLENGE: "adaptive", OTP_CHALLENGE_MAX_NUMBER: "2000", OTP_MAX_SENDS_PER_IP_PER_HOUR: "4" });
    const ip = "198.51.100.77";
    for (let i = 0; i < 3; i++) expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), ip }))).toBe("sent");
    expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), ip }))).toBe("challenge_required");
    expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), ip: "198.51.100.78" }))).toBe("sent");
  });

  it("with OTP_CHALLENGE=adaptive asks everyone while global sends run ahead of the hourly budget's pace", async () => {
    const clock = createClock(new Date("2026-04-02T10:00:00Z"));
    // 1,200 an hour allows 100 in the first 5 minutes.
    const { ctx } = createTestContext(use().db, { OTP_CHALLENGE: "adaptive", OTP_CHALLENGE_MAX_NUMBER: "2000", OTP_MAX_SENDS_PER_HOUR: "1200" }, clock);
    await use().db.otpBudgetCounter.create({ data: { scope: "global", key: "*", window: clock.now(), count: 101 } });
    expect(await outcome(sendOtp(ctx, { phone: uniquePhone() }))).toBe("challenge_required");
    clock.advance(30 * 60); // at 10:30 the pace allows 600
    expect(await outcome(sendOtp(ctx, { phone: uniquePhone() }))).toBe("sent");
  });

  it("never asks the seed routes' clients, which cannot change", async () => {
    const { ctx } = createTestContext(use().db, ALWAYS);
    expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), via: "seed" }))).toBe("sent");
  });

  for (const provider of ["turnstile", "hcaptcha"] as const) {
    it(`verifies a ${provider} token at the configured siteverify URL with the secret and the client IP`, async () => {
      const { ctx } = createTestContext(use().db, {
        OTP_CHALLENGE: "always",
        OTP_CHALLENGE_PROVIDER: provider,
        OTP_CHALLENGE_SITE_KEY: "fake-site-key",
        OTP_CHALLENGE_SECRET: "fake-secret",
        OTP_CHALLENGE_VERIFY_URL: siteverifyUrl,
      });
      expect(await createBotChallenge(ctx.config.challenge, ctx.now())).toMatchObject({ provider, mode: "always", siteKey: "fake-site-key" });
      expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), challenge: "bad-token" }))).toBe("challenge_required");
      seen.length = 0;
      const token = `good-token-${provider}-${use().kind}`;
      expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), ip: "203.0.113.9", challenge: token }))).toBe("sent");
      expect(Object.fromEntries(seen[0])).toMatchObject({ secret: "fake-secret", response: token, remoteip: "203.0.113.9" });
      if (provider === "hcaptcha") expect(seen[0].get("sitekey")).toBe("fake-site-key");
      // The fake (like the real ones) accepts a token once.
      expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), challenge: token }))).toBe("challenge_required");
    });
  }

  it("refuses (fails closed) while the provider's siteverify cannot be reached", async () => {
    const { ctx } = createTestContext(use().db, {
      OTP_CHALLENGE: "always",
      OTP_CHALLENGE_PROVIDER: "turnstile",
      OTP_CHALLENGE_SITE_KEY: "k",
      OTP_CHALLENGE_SECRET: "fake-secret",
      OTP_CHALLENGE_VERIFY_URL: "http://127.0.0.1:9/siteverify",
      LOG_LEVEL: "error",
    });
    expect(await outcome(sendOtp(ctx, { phone: uniquePhone(), challenge: "good-token" }))).toBe("challenge_required");
  });
});
