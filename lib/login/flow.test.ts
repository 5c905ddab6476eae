/**
 * The login form's server steps against the real OTP domain on an in-memory PGlite: the number read
 * in any form, confirmation once per number, the step cookie sealed, and a right code turned into
 * the same session cookie next-auth reads.
 */
import { decode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// lib/env reads process.env once, on first use: configure before importing the app modules.
Object.assign(process.env, {
  DATABASE_URL: "memory://",
  OTP_SECRET: "flow-test-otp-secret-0123456789abcdef01234",
  NEXTAUTH_SECRET: "flow-test-nextauth-secret-0123456789abcdef",
  SMS_PROVIDER: "console",
  OTP_RESEND_COOLDOWN_SECONDS: "0",
  PHONE_DEFAULT_COUNTRY: "TZ",
  LOG_LEVEL: "error",
});

let flow: typeof import("./flow");
let step: typeof import("./step");
let outbox: typeof import("@/lib/sms/console");
let db: typeof import("@/lib/db");
let counter = 0;
const phone = () => `+25571${String(process.pid % 10_000).padStart(4, "0")}${String(++counter).padStart(3, "0")}`;
const META = { ip: "203.0.113.7", userAgent: "vitest" };

beforeAll(async () => {
  flow = await import("./flow");
  step = await import("./step");
  outbox = await import("@/lib/sms/console");
  db = await import("@/lib/db");
});

afterAll(async () => {
  await (await db.getDatabase()).close();
});

describe("login form steps", () => {
  it("reads +254…, 00254…, 254… and national input under any selected country", () => {
    expect(flow.readPhone("+254 712 345 678", "TZ")).toEqual({ e164: "+254712345678", country: "KE" });
    expect(flow.readPhone("00254712345678", "TZ")).toEqual({ e164: "+254712345678", country: "KE" });
    expect(flow.readPhone("254712345678", "TZ")).toEqual({ e164: "+254712345678", country: "KE" });
    expect(flow.readPhone("0712 345 678", "KE")).toEqual({ e164: "+254712345678", country: "KE" });
    expect(flow.readPhone("٠٧١٢٣٤٥٦٧٨", "TZ")).toEqual({ e164: "+255712345678", country: "TZ" });
  });

  it("asks to confirm a number before its first send, sends on confirm, and resends without asking", async () => {
    const to = phone();
    const asked = await flow.sendStep(null, { intent: "send", phone: `0${to.slice(4)}`, country: "TZ" }, META);
    expect(asked).toMatchObject({ stage: "confirm", pending: { phone: to } });
    expect(outbox.latestOutboxMessage(to)).toBeUndefined();
    const sent = await flow.sendStep(asked, { intent: "confirm", phone: to, country: "TZ" }, META);
    expect(sent).toMatchObject({ stage: "code", sent: { phone: to, verificationId: expect.any(String) }, confirmed: [to] });
    const first = outbox.latestOutboxMessage(to)?.text;
    const again = await flow.sendStep(sent, { intent: "send", phone: `0${to.slice(4)}`, country: "TZ" }, META);
    expect(again.stage).toBe("code"); // confirmed this session: no second question
    const resent = await flow.sendStep(sent, { intent: "resend", phone: "", country: null }, META);
    expect(resent).toMatchObject({ stage: "code", notice: "resent" });
    expect(outbox.latestOutboxMessage(to)?.text).not.toBe(first);
  });

  it("'I already have a code' goes to the code step without sending", async () => {
    const to = phone();
    const result = await flow.sendStep(null, { intent: "have-code", phone: to, country: "TZ" }, META);
    expect(result).toMatchObject({ stage: "code", sent: { phone: to, display: "+255 " + to.slice(4, 7) + " " + to.slice(7, 10) + " " + to.slice(10) } });
    expect(outbox.latestOutboxMessage(to)).toBeUndefined();
  });

  it("turns a right code into next-auth's session cookie and a wrong one into the code step with attempts left", async () => {
    const to = phone();
    const asked = await flow.sendStep(null, { intent: "send", phone: to, country: "TZ" }, META);
    const sent = await flow.sendStep(asked, { intent: "confirm", phone: to, country: "TZ" }, META);
    const code = outbox.findCode(outbox.latestOutboxMessage(to)!.text)!;
    const wrong = await flow.verifyStep(sent, code.replace(/\d/g, (d) => String((Number(d) + 1) % 10)), META);
    expect(wrong).toMatchObject({ step: { stage: "code", codeError: { code: "invalid_code", attemptsLeft: 4 } } });
    const right = await flow.verifyStep(sent, code, META);
    if (!("cookie" in right)) throw new Error("expected a session");
    expect(right.cookie).toMatchObject({ name: "next-auth.session-token", options: { httpOnly: true, sameSite: "lax", path: "/", secure: false } });
    const token = await decode({ token: right.cookie.value, secret: process.env.NEXTAUTH_SECRET! });
    expect(token).toMatchObject({ phone: to, role: "USER", sub: expect.any(String) });
    const events = await (await db.getDb()).auditEvent.findMany({ where: { phone: to, type: "sign_in" } });
    expect(events).toMatchObject([{ ip: "203.0.113.7", userAgent: "vitest" }]);
  });

  it("seals the step cookie: it decodes with the secret, and a forged or foreign one reads as no step", async () => {
    const sealed = await step.encodeStep({ stage: "code", sent: { phone: "+255712345678", display: "+255 712 345 678" }, confirmed: ["+255712345678"] });
    expect(sealed).not.toContain("712345678");
    expect(await step.decodeStep(sealed)).toMatchObject({ stage: "code", sent: { phone: "+255712345678" } });
    expect(await step.decodeStep(`${sealed.slice(0, -4)}AAAA`)).toBeNull();
    expect(step.publicState(await step.decodeStep(sealed))).not.toHaveProperty("confirmed");
  });
});
