import { decode } from "next-auth/jwt";
import { expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { stubRouteEnv } from "@/test/routes";
import { TEST_SECRETS } from "@/test/otp-context";
import {
  checkSessionToken,
  createSessionToken,
  encodeSessionCookie,
  endSession,
  endUserSessions,
  SESSION_MAX_AGE_SECONDS,
  SESSION_UPDATE_AGE_SECONDS,
} from "./session-token";

stubRouteEnv();

const DAY = 86_400_000;

describeEachDatabase("server-side sessions", (database) => {
  const newUser = (role: "USER" | "ADMIN" = "USER") => database().db.user.create({ data: { phone: uniquePhone(), role } });

  it("starts a session row and names it in the token; a check answers the phone and role the database has now", async () => {
    const { db } = database();
    const user = await newUser("ADMIN");
    const token = await createSessionToken(db, user);
    expect(token).toEqual({ sub: user.id, phone: user.phone, role: "ADMIN", sid: expect.stringMatching(/^[\w-]{32}$/) });
    const row = await db.authSession.findUniqueOrThrow({ where: { id: token.sid } });
    expect(row).toMatchObject({ userId: user.id, endedAt: null });
    await db.user.update({ where: { id: user.id }, data: { role: "USER" } });
    await expect(checkSessionToken(db, token)).resolves.toMatchObject({ sub: user.id, role: "USER", sid: token.sid });
  });

  it("refuses an ended session, an expired one, one of another user, and one whose user was deleted", async () => {
    const { db } = database();
    const user = await newUser();
    const now = new Date();
    const ended = await createSessionToken(db, user);
    expect(await endSession(db, ended.sid)).toBe(true);
    expect(await endSession(db, ended.sid)).toBe(false);
    await expect(checkSessionToken(db, ended)).rejects.toMatchObject({ reason: "ended" });

    const old = await createSessionToken(db, user, new Date(now.getTime() - SESSION_MAX_AGE_SECONDS * 1000 - 1000));
    await expect(checkSessionToken(db, old, now)).rejects.toMatchObject({ reason: "expired" });

    const other = await newUser();
    const theirs = await createSessionToken(db, other);
    await expect(checkSessionToken(db, { ...theirs, sub: user.id })).rejects.toMatchObject({ reason: "other_user" });

    const doomed = await newUser();
    const orphan = await createSessionToken(db, doomed);
    await db.user.delete({ where: { id: doomed.id } });
    await expect(checkSessionToken(db, orphan)).rejects.toMatchObject({ reason: "unknown" });
  });

  it("slides a used session's expiry forward at most once per day", async () => {
    const { db } = database();
    const user = await newUser();
    const start = new Date("2026-06-01T10:00:00Z");
    const token = await createSessionToken(db, user, start);
    const expiry = async () => (await db.authSession.findUniqueOrThrow({ where: { id: token.sid } })).expiresAt.getTime();
    const first = await expiry();
    await checkSessionToken(db, token, new Date(start.getTime() + SESSION_UPDATE_AGE_SECONDS * 1000 - 60_000));
    expect(await expiry()).toBe(first);
    const later = new Date(start.getTime() + 2 * DAY);
    await checkSessionToken(db, token, later);
    expect(await expiry()).toBe(later.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
    // Still alive 8 days after the start, because it was used on day 2.
    await expect(checkSessionToken(db, token, new Date(start.getTime() + 8 * DAY))).resolves.toMatchObject({ sub: user.id });
  });

  it("signs a user out everywhere without touching anyone else's sessions", async () => {
    const { db } = database();
    const user = await newUser();
    const other = await newUser();
    const mine = [await createSessionToken(db, user), await createSessionToken(db, user)];
    const theirs = await createSessionToken(db, other);
    expect(await endUserSessions(db, user.id)).toBe(2);
    for (const token of mine) await expect(checkSessionToken(db, token)).rejects.toMatchObject({ reason: "ended" });
    await expect(checkSessionToken(db, theirs)).resolves.toMatchObject({ sub: other.id });
    expect(await endUserSessions(db, user.id)).toBe(0);
  });

  it("encodes the session cookie exactly as next-auth reads it", async () => {
    const { db } = database();
    const user = await newUser();
    const payload = await createSessionToken(db, user);
    const cookie = await encodeSessionCookie(payload);
    expect(cookie).toMatchObject({ name: "next-auth.session-token", options: { httpOnly: true, sameSite: "lax", path: "/", secure: false, maxAge: SESSION_MAX_AGE_SECONDS } });
    const decoded = await decode({ token: cookie.value, secret: TEST_SECRETS.NEXTAUTH_SECRET });
    expect(decoded).toMatchObject(payload);
    await expect(checkSessionToken(db, decoded!)).resolves.toMatchObject({ sub: user.id });
  });
});
