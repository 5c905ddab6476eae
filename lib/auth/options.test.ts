/**
 * The next-auth provider against the real OTP domain on an in-memory PGlite: both credential shapes,
 * error codes passed to the client, ADMIN_PHONES, and the JWT → session mapping.
 */
import type { User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SOCKET_IP_HEADER } from "@/lib/socket-ip";

// lib/env reads process.env once, on first use: configure before importing the app modules.
Object.assign(process.env, {
  DATABASE_URL: "memory://",
  OTP_SECRET: "options-test-otp-secret-0123456789abcdef",
  NEXTAUTH_SECRET: "options-test-nextauth-secret-0123456789ab",
  SMS_PROVIDER: "console",
  ADMIN_PHONES: "+255700000901",
  OTP_RESEND_COOLDOWN_SECONDS: "0",
  LOG_LEVEL: "error",
});

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<User>;

let authorize: Authorize;
let app: {
  options: typeof import("./options");
  db: typeof import("@/lib/db");
  service: typeof import("@/lib/otp/service");
  context: typeof import("@/lib/otp/context");
  outbox: typeof import("@/lib/sms/console");
};

// The client address as the app server stamps it on every request (lib/socket-ip.ts).
const REQUEST = { headers: { "user-agent": "vitest-browser/1.0", [SOCKET_IP_HEADER]: "203.0.113.9" } };
let counter = 0;
const phone = () => `+25571${String(process.pid % 10_000).padStart(4, "0")}${String(++counter).padStart(3, "0")}`;

async function sendAndReadCode(to: string): Promise<string> {
  await app.service.sendOtp(await app.context.getOtpContext(), { phone: to, purpose: "Login" });
  const text = app.outbox.latestOutboxMessage(to)?.text ?? "";
  const code = app.outbox.findCode(text);
  if (!code) throw new Error("no code in the outbox");
  return code;
}

beforeAll(async () => {
  app = {
    options: await import("./options"),
    db: await import("@/lib/db"),
    service: await import("@/lib/otp/service"),
    context: await import("@/lib/otp/context"),
    outbox: await import("@/lib/sms/console"),
  };
  const provider = app.options.authOptions.providers[0] as unknown as { options: { id: string; authorize: Authorize } };
  expect(provider.options).toMatchObject({ id: "phone-otp" }); // next-auth merges options over the defaults at run time
  authorize = provider.options.authorize;
});

afterAll(async () => {
  await (await app.db.getDatabase()).close();
});

describe("phone-otp credentials provider", () => {
  it("signs in with { phone, code } through verifyOtp, creating the user and a sign_in event with IP and user agent", async () => {
    const to = phone();
    const code = await sendAndReadCode(to);
    const user = await authorize({ phone: to, code }, REQUEST);
    expect(user).toMatchObject({ phone: to, role: "USER" });
    const db = await app.db.getDb();
    expect(await db.user.findUnique({ where: { phone: to } })).toMatchObject({ id: user.id, lastLoginAt: expect.any(Date) });
    const events = await db.auditEvent.findMany({ where: { userId: user.id, type: "sign_in" } });
    expect(events).toMatchObject([{ phone: to, ip: "203.0.113.9", userAgent: "vitest-browser/1.0" }]);
  });

  it("signs in once with the loginToken from verifyOtp and refuses the same token a second time", async () => {
    const to = phone();
    const code = await sendAndReadCode(to);
    const { loginToken } = await app.service.verifyOtp(await app.context.getOtpContext(), { phone: to, code, purpose: "Login" });
    expect(await authorize({ loginToken }, REQUEST)).toMatchObject({ phone: to });
    await expect(authorize({ loginToken }, REQUEST)).rejects.toThrow("invalid_code");
  });

  it("hands the domain's error code to the client: a wrong code is invalid_code, a reused code not_found", async () => {
    const to = phone();
    const code = await sendAndReadCode(to);
    const wrong = code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
    await expect(authorize({ phone: to, code: wrong }, REQUEST)).rejects.toThrow("invalid_code");
    await authorize({ phone: to, code }, REQUEST);
    await expect(authorize({ phone: to, code }, REQUEST)).rejects.toThrow(/not_found|invalid_code/);
  });

  it("refuses malformed credentials without touching the database", async () => {
    await expect(authorize({}, REQUEST)).rejects.toThrow("validation_error");
    await expect(authorize({ phone: phone() }, REQUEST)).rejects.toThrow("validation_error");
  });

  it("gives a phone from ADMIN_PHONES the ADMIN role, and the JWT carries id, phone and role into the session", async () => {
    const code = await sendAndReadCode("+255700000901");
    const user = await authorize({ phone: "+255700000901", code }, REQUEST);
    expect(user.role).toBe("ADMIN");
    const { jwt, session } = app.options.authOptions.callbacks!;
    const token = (await jwt!({ token: {} as JWT, user, account: null, trigger: "signIn" })) as JWT;
    expect(token).toMatchObject({ sub: user.id, phone: "+255700000901", role: "ADMIN" });
    const mapped = await session!({ session: { expires: "" } as never, token, user: user as never, newSession: undefined, trigger: "update" });
    expect(mapped.user).toEqual({ id: user.id, phone: "+255700000901", role: "ADMIN" });
  });

  it("ends the session on the server at sign-out: a copy of the old token is refused afterwards", async () => {
    const to = phone();
    const user = await authorize({ phone: to, code: await sendAndReadCode(to) }, REQUEST);
    const { jwt } = app.options.authOptions.callbacks!;
    const token = (await jwt!({ token: {} as JWT, user, account: null, trigger: "signIn" })) as JWT;
    expect(token.sid).toEqual(expect.any(String));
    await expect(jwt!({ token, user: undefined as never, account: null })).resolves.toMatchObject({ sub: user.id });
    await app.options.authOptions.events!.signOut!({ token, session: undefined as never });
    await expect(jwt!({ token, user: undefined as never, account: null })).rejects.toMatchObject({ name: "SessionEndedError", reason: "ended" });
  });

  it("reports the role the database has now, not the one in the token: a demotion applies at the next request", async () => {
    const code = await sendAndReadCode("+255700000901");
    const user = await authorize({ phone: "+255700000901", code }, REQUEST);
    const { jwt, session } = app.options.authOptions.callbacks!;
    const token = (await jwt!({ token: {} as JWT, user, account: null, trigger: "signIn" })) as JWT;
    expect(token.role).toBe("ADMIN");
    const db = await app.db.getDb();
    await db.user.update({ where: { id: user.id }, data: { role: "USER" } });
    const next = (await jwt!({ token, user: undefined as never, account: null })) as JWT;
    expect(next.role).toBe("USER");
    const mapped = await session!({ session: { expires: "" } as never, token: next, user: user as never, newSession: undefined, trigger: "update" });
    expect(mapped.user).toMatchObject({ role: "USER" });
    await db.user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
  });

  it("refuses a token that names no server-side session (forged, or issued before sessions were recorded)", async () => {
    const { jwt } = app.options.authOptions.callbacks!;
    const db = await app.db.getDb();
    const someone = await db.user.create({ data: { phone: phone(), role: "ADMIN" } });
    await expect(jwt!({ token: { sub: someone.id, phone: someone.phone, role: "ADMIN" } as JWT, user: undefined as never, account: null })).rejects.toMatchObject({ reason: "no_sid" });
    await expect(jwt!({ token: { sub: someone.id, sid: "made-up" } as JWT, user: undefined as never, account: null })).rejects.toMatchObject({ reason: "unknown" });
  });

  it("has a redirect callback that never throws and only ever sends to this origin", async () => {
    const { redirect } = app.options.authOptions.callbacks!;
    const baseUrl = "http://127.0.0.1:3210";
    const cases: [string, string][] = [
      ["http://x:1a", `${baseUrl}/account`],
      ["http://[::1", `${baseUrl}/account`],
      ["%E0%A4%A", `${baseUrl}/account`],
      ["https://evil.example/admin", `${baseUrl}/account`],
      ["/.//evil.example", `${baseUrl}/account`],
      ["/admin/verifications", `${baseUrl}/admin/verifications`],
      [`${baseUrl}/admin`, `${baseUrl}/admin`],
    ];
    for (const [url, expected] of cases) expect(await redirect!({ url, baseUrl })).toBe(expected);
  });
});
