/**
 * Refused requests in the audit log, aggregated: one AuditEvent per type, rule, key and minute with
 * a count, so a flood of refusals costs a row a minute instead of a row a request. The upsert is one
 * statement (INSERT … ON CONFLICT on the unique aggregateKey), exact under concurrency.
 */
import "server-only";
import { createHash } from "node:crypto";
import type { Db } from "../db/connection";
import { log } from "../log";

export type Refusal = {
  /** AuditEvent type: "rate_limited" for the limits (what the dashboard counts), "cross_site", … */
  type: string;
  /** Which rule refused: cooldown, phone_hour, ip_hour, verify_ip_hour, origin, … */
  rule: string;
  /** What the rule counts by: the phone, the client's address key, the Origin. */
  key: string;
  /** Stored in its own column when the key is a phone or an address (both are indexed for the admin). */
  keyKind: "phone" | "ip" | "other";
  userAgent?: string | null;
  at: Date;
};

const MINUTE = 60_000;

/** Adds one refusal to its minute's row. Never throws: an audit write must not turn a 429 into a 500. */
export async function recordRefusal(db: Db, r: Refusal): Promise<void> {
  const minute = new Date(Math.floor(r.at.getTime() / MINUTE) * MINUTE).toISOString();
  const key = r.key.slice(0, 200);
  // A digest, not the text: the unique index stays small when every refusal has its own key.
  const aggregateKey = createHash("sha256").update(`${r.type}|${r.rule}|${key}|${minute}`).digest("base64url").slice(0, 22);
  const data = JSON.stringify({ rule: r.rule, key });
  try {
    await db.$executeRaw`
      INSERT INTO "AuditEvent" (id, type, phone, ip, "userAgent", data, "createdAt", "count", "lastAt", "aggregateKey")
      VALUES (gen_random_uuid()::text, ${r.type}, ${r.keyKind === "phone" ? key : null}, ${r.keyKind === "ip" ? key : null},
              ${r.userAgent?.slice(0, 300) ?? null}, ${data}::jsonb, ${r.at}::timestamp, 1, ${r.at}::timestamp, ${aggregateKey})
      ON CONFLICT ("aggregateKey") DO UPDATE
        SET "count" = "AuditEvent"."count" + 1, "lastAt" = GREATEST("AuditEvent"."lastAt", EXCLUDED."lastAt")`;
  } catch (error) {
    log.warn("could not record refusal", { rule: r.rule, error: (error as Error).name });
  }
}
