/**
 * The Protection page's data (docs/abuse.md): blocks with their reasons, sends vs verifies per
 * country and range, the Safe List, manual blocks and the guard mode. Every function checks its
 * AdminActor itself (lib/admin/actor.ts; the route checked the session too), and every change is
 * written to the audit log with that admin, in the same transaction as the change.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { AppError } from "../api/errors";
import type { Db } from "../db";
import type { GuardConfig, GuardMode } from "../otp/config";
import { announceBlocksStarted } from "../otp/guard";
import type { GuardModeInput, ManualBlockInput, SafeListEntryInput } from "./protection-schemas";

import { assertAdminActor, type AdminActor } from "./actor";

export type TrafficRow = { key: string; sends: number; verified: number };

const BLOCK_SELECT = {
  id: true, scope: true, key: true, reason: true, mode: true, sends: true, verified: true, rate: true, baseline: true,
  windowSeconds: true, note: true, actorId: true, startsAt: true, endsAt: true, liftedAt: true, liftedBy: true,
} as const;

/** The audit events of this page's changes, newest first on the page ("Recent changes"). */
export const PROTECTION_AUDIT_EVENTS = ["guard_mode_changed", "safe_list_added", "safe_list_removed", "block_created", "block_lifted"] as const;

/** Everything the page shows, for the last `hours` (chart) and the newest blocks and changes. */
export async function getProtection(db: Db, actor: AdminActor, q: { now: Date; hours?: number; guard: GuardConfig }) {
  assertAdminActor(actor);
  const since = new Date(q.now.getTime() - (q.hours ?? 24) * 3_600_000);
  const top = (scope: string) => db.$queryRaw<TrafficRow[]>`
    SELECT key, sum(sends)::int AS sends, sum(verified)::int AS verified
      FROM "OtpTraffic" WHERE bucket >= ${since}::timestamp AND scope = ${scope}
     GROUP BY key ORDER BY sum(sends) DESC, key LIMIT 12`;
  const [setting, active, past, safeList, countries, ranges, changes] = await Promise.all([
    db.otpGuardSetting.findUnique({ where: { id: 1 } }),
    db.otpBlock.findMany({ where: { endsAt: { gt: q.now }, liftedAt: null }, select: BLOCK_SELECT, orderBy: { endsAt: "desc" }, take: 100 }),
    db.otpBlock.findMany({
      where: { OR: [{ endsAt: { lte: q.now } }, { liftedAt: { not: null } }], startsAt: { gte: new Date(q.now.getTime() - 30 * 86_400_000) } },
      select: BLOCK_SELECT,
      orderBy: { startsAt: "desc" },
      take: 50,
    }),
    db.otpSafeListEntry.findMany({ orderBy: { createdAt: "desc" }, take: 500 }),
    top("country"),
    top("range"),
    // (type, createdAt) index: the newest rows of five types, no scan of the audit log.
    db.auditEvent.findMany({
      where: { type: { in: [...PROTECTION_AUDIT_EVENTS] } },
      select: { id: true, type: true, actorId: true, data: true, createdAt: true },
      orderBy: { createdAt: "desc" },
      take: 20,
    }),
  ]);
  const actorIds = [...new Set(changes.map((c) => c.actorId).filter((id): id is string => !!id))];
  const actors = new Map((await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, phone: true } })).map((u) => [u.id, u.phone]));
  return {
    mode: { current: (setting?.mode ?? q.guard.mode) as GuardMode, source: setting ? "admin" : "config", configured: q.guard.mode, updatedAt: setting?.updatedAt ?? null },
    settings: {
      maxSendsPerHour: q.guard.maxSendsPerHour,
      maxSendsPerCountryPerHour: q.guard.maxSendsPerCountryPerHour,
      countryBudgets: Object.fromEntries(q.guard.countryBudgets),
      maxSendsPerPrefixPerHour: q.guard.maxSendsPerPrefixPerHour,
      prefixTailDigits: q.guard.prefixTailDigits,
      windowSeconds: q.guard.windowSeconds,
      minSendsPerPrefix: q.guard.minSendsPerPrefix,
      minSendsPerCountry: q.guard.minSendsPerCountry,
      minVerifyRate: q.guard.minVerifyRate,
      baselineDays: q.guard.baselineDays,
      baselineFactor: q.guard.baselineFactor,
      blockSeconds: q.guard.blockSeconds,
    },
    blocks: { active, past },
    safeList,
    traffic: { since, countries, ranges },
    changes: changes.map((c) => ({ ...c, actorPhone: c.actorId ? (actors.get(c.actorId) ?? null) : null })),
  };
}

type Meta = { ip?: string | null; userAgent?: string | null; now: Date };

function audit(actor: AdminActor, meta: Meta, type: string, data: Record<string, unknown>) {
  return { type, actorId: actor.id, userId: actor.id, ip: meta.ip ?? null, userAgent: meta.userAgent ?? null, data: data as object, createdAt: meta.now };
}

/** Switches the guard (stored in the database: every instance follows it, over OTP_FRAUD_GUARD). */
export async function setGuardMode(db: Db, actor: AdminActor, input: GuardModeInput, meta: Meta) {
  assertAdminActor(actor);
  const previous = await db.otpGuardSetting.findUnique({ where: { id: 1 } });
  const [setting] = await db.$transaction([
    db.otpGuardSetting.upsert({
      where: { id: 1 },
      create: { id: 1, mode: input.mode, updatedAt: meta.now, updatedBy: actor.id },
      update: { mode: input.mode, updatedAt: meta.now, updatedBy: actor.id },
    }),
    db.auditEvent.create({ data: audit(actor, meta, "guard_mode_changed", { from: previous?.mode ?? null, to: input.mode }) }),
  ]);
  return setting;
}

export async function addSafeListEntry(db: Db, actor: AdminActor, input: SafeListEntryInput, meta: Meta) {
  assertAdminActor(actor);
  if (await db.otpSafeListEntry.findUnique({ where: { value: input.value } })) {
    throw new AppError("validation_error", "That number or range is already on the Safe List.", { fields: { value: "Already on the Safe List." } });
  }
  const [entry] = await db.$transaction([
    db.otpSafeListEntry.create({ data: { id: randomUUID(), value: input.value, note: input.note ?? null, actorId: actor.id, createdAt: meta.now } }),
    db.auditEvent.create({ data: audit(actor, meta, "safe_list_added", { value: input.value, note: input.note ?? null }) }),
  ]);
  return entry;
}

export async function removeSafeListEntry(db: Db, actor: AdminActor, id: string, meta: Meta) {
  assertAdminActor(actor);
  const entry = await db.otpSafeListEntry.findUnique({ where: { id } });
  if (!entry) throw new AppError("not_found", "That Safe List entry does not exist.");
  await db.$transaction([
    db.otpSafeListEntry.delete({ where: { id } }),
    db.auditEvent.create({ data: audit(actor, meta, "safe_list_removed", { value: entry.value }) }),
  ]);
}

/** A manual block is enforced in every guard mode until it ends or is lifted. */
export async function createManualBlock(db: Db, actor: AdminActor, input: ManualBlockInput, meta: Meta) {
  assertAdminActor(actor);
  const endsAt = new Date(meta.now.getTime() + input.minutes * 60_000);
  const [block] = await db.$transaction([
    db.otpBlock.create({
      data: { id: randomUUID(), scope: input.scope, key: input.key, reason: "manual", mode: "enforce", note: input.note ?? null, actorId: actor.id, startsAt: meta.now, endsAt },
      select: BLOCK_SELECT,
    }),
    db.auditEvent.create({ data: audit(actor, meta, "block_created", { scope: input.scope, key: input.key, minutes: input.minutes, note: input.note ?? null }) }),
  ]);
  await announceBlocksStarted(db, { id: block.id }, meta.now);
  return block;
}

/** Lifts an active block; an automatic one is not re-created before a full window has passed. */
export async function liftBlock(db: Db, actor: AdminActor, id: string, meta: Meta) {
  assertAdminActor(actor);
  const block = await db.otpBlock.findUnique({ where: { id } });
  if (!block) throw new AppError("not_found", "That block does not exist.");
  if (block.liftedAt || block.endsAt <= meta.now) throw new AppError("validation_error", "That block has already ended.");
  const [lifted] = await db.$transaction([
    db.otpBlock.update({ where: { id }, data: { liftedAt: meta.now, liftedBy: actor.id }, select: BLOCK_SELECT }),
    db.auditEvent.create({ data: audit(actor, meta, "block_lifted", { scope: block.scope, key: block.key, reason: block.reason }) }),
  ]);
  return lifted;
}
