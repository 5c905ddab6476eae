/** Test fixtures for the admin queries: verifications with recognisable secret columns. */
import { randomInt, randomUUID } from "node:crypto";
import type { Db } from "../db";
import { adminActorFor, type AdminActor } from "./actor";

export const SECRET_MARK = "SECRET-MUST-NOT-LEAK";

type Overrides = Partial<{
  phone: string;
  purpose: string;
  status: "pending" | "verified" | "expired" | "locked" | "superseded" | "failed";
  createdAt: Date;
  expiresAt: Date;
  smsProvider: string | null;
  smsStatus: "sent" | "failed" | "delivered" | "undelivered" | null;
  ip: string;
  userId: string | null;
  attempts: number;
}>;

/** Inserts one verification whose codeHash and loginTokenHash contain SECRET_MARK. */
export async function makeVerification(db: Db, o: Overrides = {}) {
  const createdAt = o.createdAt ?? new Date();
  return db.verification.create({
    data: {
      id: randomUUID(),
      phone: o.phone ?? "+255700000001",
      country: "TZ",
      purpose: o.purpose ?? "Login",
      codeHash: `${SECRET_MARK}-code-${randomUUID()}`,
      loginTokenHash: `${SECRET_MARK}-token-${randomUUID()}`,
      status: o.status ?? "pending",
      attempts: o.attempts ?? 0,
      maxAttempts: 5,
      createdAt,
      expiresAt: o.expiresAt ?? new Date(createdAt.getTime() + 300_000),
      smsProvider: o.smsProvider === undefined ? "console" : o.smsProvider,
      smsStatus: o.smsStatus === undefined ? "sent" : o.smsStatus,
      ip: o.ip ?? "203.0.113.7",
      userId: o.userId ?? null,
    },
  });
}

const actors = new WeakMap<Db, Promise<AdminActor>>();

/** An AdminActor for tests: one ADMIN user per test database, checked the way requests are. */
export function adminActor(db: Db): Promise<AdminActor> {
  let actor = actors.get(db);
  if (!actor) {
    actor = (async () => {
      const user = await db.user.create({ data: { phone: `+2557${String(randomInt(0, 1e8)).padStart(8, "0")}`, role: "ADMIN" } });
      const check = await adminActorFor(db, user.id);
      if (!check.ok) throw new Error("test admin was not accepted");
      return check.actor;
    })();
    actors.set(db, actor);
  }
  return actor;
}
