/**
 * Issue 19: `"session": true` spends the login token inside the verify statement and writes the
 * login (user, verification link, sign_in audit, AuthSession) in one statement. The records and the
 * admin timeline must say what the two-step path says (verify → loginToken → next-auth callback).
 */
import { decode } from "next-auth/jwt";
import { expect, it } from "vitest";
import { adminActor } from "@/lib/admin/testing";
import { getVerificationDetail } from "@/lib/admin/verifications";
import { createSessionToken } from "@/lib/auth/session-token";
import { recordLogin } from "@/lib/auth/users";
import { getOtpContext } from "@/lib/otp/context";
import { consumeLoginToken } from "@/lib/otp/service";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { lastCodeSentTo, TEST_SECRETS } from "@/test/otp-context";
import { post, stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

const ORIGIN = "http://localhost:3000";
stubRouteEnv({ NEXTAUTH_URL: ORIGIN, ADMIN_PHONES: "", TRUST_PROXY: "1" });
const { POST: send } = await import("../send/route");
const { POST: verify } = await import("./route");

const META = { "user-agent": "vitest-session", "x-forwarded-for": "198.51.100.23" };

describeEachDatabase('POST /api/otp/verify with "session": true', (database) => {
  useDatabaseForRoutes(database);

  /** What an admin and the audit log see of one login. */
  async function facts(verificationId: string, phone: string) {
    const { db } = database();
    const detail = await getVerificationDetail(await adminActor(db), db, verificationId);
    const user = await db.user.findUniqueOrThrow({ where: { phone } });
    const audit = await db.auditEvent.findMany({ where: { userId: user.id }, select: { type: true, phone: true, ip: true, userAgent: true } });
    const sessions = await db.authSession.findMany({ where: { userId: user.id }, select: { endedAt: true } });
    return {
      timeline: detail.timeline.map((e) => [e.kind, e.title]),
      attempts: detail.verifyAttempts.map((a) => [a.result, a.ip]),
      linkedUser: detail.user?.id === user.id,
      role: user.role,
      stamped: user.lastLoginAt !== null,
      audit: audit.map((a) => ({ ...a, phone: a.phone === phone })),
      sessions,
      tokenSpent: detail.verification.loginTokenUsedAt !== null,
    };
  }

  async function sendTo(phone: string): Promise<string> {
    const res = await send(post("/api/otp/send", { phone, purpose: "Login" }, META));
    expect(res.status).toBe(200);
    return (await res.json()).verificationId;
  }

  it("leaves the same records and admin timeline as verify → login token → next-auth callback", async () => {
    const { db } = database();
    // The two-step path, as next-auth's callback runs it (authorize → recordLogin, jwt → createSessionToken).
    const twoStep = uniquePhone();
    const twoStepId = await sendTo(twoStep);
    const answered = await verify(post("/api/otp/verify", { phone: twoStep, code: lastCodeSentTo(twoStep), purpose: "Login" }, META));
    const { loginToken } = await answered.json();
    const proof = await consumeLoginToken(await getOtpContext(), { token: loginToken, purpose: "Login" });
    const user = await recordLogin(db, { ...proof, adminPhones: new Set(), ip: META["x-forwarded-for"], userAgent: META["user-agent"] });
    await createSessionToken(db, user);

    // The one-round-trip path.
    const oneStep = uniquePhone();
    const oneStepId = await sendTo(oneStep);
    const res = await verify(post("/api/otp/verify", { phone: oneStep, code: lastCodeSentTo(oneStep), session: true }, { ...META, origin: ORIGIN }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "verified", verificationId: oneStepId, session: { phone: oneStep } });

    const expected = await facts(twoStepId, twoStep);
    expect(expected.timeline.map(([kind]) => kind)).toEqual(["created", "sms", "verify", "verified", "login"]);
    expect(expected).toMatchObject({ linkedUser: true, stamped: true, tokenSpent: true, sessions: [{ endedAt: null }] });
    expect(expected.audit).toEqual([{ type: "sign_in", phone: true, ip: META["x-forwarded-for"], userAgent: META["user-agent"] }]);
    expect(await facts(oneStepId, oneStep)).toEqual(expected);

    // The cookie names the AuthSession row just written, for the user the body names.
    const cookie = /next-auth\.session-token=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
    const token = await decode({ token: decodeURIComponent(cookie ?? ""), secret: TEST_SECRETS.NEXTAUTH_SECRET });
    const row = await db.authSession.findUniqueOrThrow({ where: { id: String(token?.sid) } });
    expect(row.userId).toBe(body.session.userId);
    expect(token).toMatchObject({ sub: body.session.userId, phone: oneStep, role: "USER" });
  });

  it("spends the code's login token: it cannot open a second session", async () => {
    const phone = uniquePhone();
    const id = await sendTo(phone);
    const res = await verify(post("/api/otp/verify", { phone, code: lastCodeSentTo(phone), session: true }, { ...META, origin: ORIGIN }));
    expect(res.status).toBe(200);
    const v = await database().db.verification.findUniqueOrThrow({ where: { id } });
    expect(v.loginTokenUsedAt).not.toBeNull();
    expect(v.loginTokenUsedAt?.getTime()).toBe(v.verifiedAt?.getTime());
    // Whatever the token was, the row no longer accepts one.
    await expect(consumeLoginToken(await getOtpContext(), { token: `${id}.${"x".repeat(43)}`, purpose: "Login" })).rejects.toMatchObject({ code: "invalid_code" });
  });

  it("signs a second login of the same phone in as the same user, and keeps an admin an admin", async () => {
    const { db } = database();
    const phone = uniquePhone();
    await db.user.create({ data: { phone, role: "ADMIN" } });
    for (let i = 0; i < 2; i++) {
      await sendTo(phone);
      const res = await verify(post("/api/otp/verify", { phone, code: lastCodeSentTo(phone), session: true }, { ...META, origin: ORIGIN }));
      expect((await res.json()).session).toMatchObject({ phone });
    }
    const users = await db.user.findMany({ where: { phone } });
    expect(users.map((u) => u.role)).toEqual(["ADMIN"]);
    expect(await db.authSession.count({ where: { userId: users[0].id } })).toBe(2);
    expect(await db.auditEvent.count({ where: { userId: users[0].id, type: "sign_in" } })).toBe(2);
  });
});
