/**
 * The Protection page's forms (they work without JavaScript): one POST, an `intent` field naming the
 * change, and the same lib/admin/protection functions — and so the same checks and audit events —
 * as the admin API. What happened is kept for the page in a short-lived encrypted cookie (the
 * "flash"), so a plain form post can answer 303 and the page still says what it did, keeps what
 * was typed and names the field at fault. Nothing typed goes into a URL.
 */
import "server-only";
import { decode, encode } from "next-auth/jwt";
import { validate } from "../api/handler";
import { AppError } from "../api/errors";
import type { Db } from "../db";
import { env } from "../env";
import type { AdminActor } from "./actor";
import { addSafeListEntry, createManualBlock, liftBlock, removeSafeListEntry, setGuardMode } from "./protection";
import { guardModeSchema, manualBlockSchema, safeListEntrySchema } from "./protection-schemas";

export const PROTECTION_INTENTS = ["mode", "block", "lift", "safe-add", "safe-remove"] as const;
export type ProtectionIntent = (typeof PROTECTION_INTENTS)[number];

/** What the page shows after a change: the outcome of one form, with what was typed when it failed. */
export type ProtectionFlash =
  | { intent: ProtectionIntent; ok: true; message: string }
  | { intent: ProtectionIntent; ok: false; message: string; fields: Record<string, string>; values: Record<string, string> };

type Meta = { ip: string | null; userAgent: string | null; now: Date };

const text = (form: URLSearchParams, name: string) => form.get(name)?.slice(0, 200) ?? "";
const optional = (form: URLSearchParams, name: string) => text(form, name).trim() || undefined;

export function protectionIntent(form: URLSearchParams): ProtectionIntent {
  const intent = form.get("intent");
  if ((PROTECTION_INTENTS as readonly string[]).includes(intent ?? "")) return intent as ProtectionIntent;
  throw new AppError("validation_error", "Unknown change.", { fields: { intent: `Use one of ${PROTECTION_INTENTS.join(", ")}.` } });
}

/** Applies one form of the page for `actor` (checked again by each function); returns the sentence to show. */
export async function applyProtectionForm(db: Db, actor: AdminActor, form: URLSearchParams, meta: Meta): Promise<string> {
  switch (protectionIntent(form)) {
    case "mode": {
      const { mode } = validate(guardModeSchema, { mode: form.get("mode") });
      await setGuardMode(db, actor, { mode }, meta);
      return `Guard switched to ${mode}.`;
    }
    case "block": {
      const input = validate(manualBlockSchema, { scope: form.get("scope"), key: text(form, "key"), minutes: form.get("minutes") || undefined, note: optional(form, "note") });
      const block = await createManualBlock(db, actor, input, meta);
      return `Blocked ${block.scope} ${block.key}.`;
    }
    case "lift": {
      const block = await liftBlock(db, actor, text(form, "id"), meta);
      return `Block on ${block.scope} ${block.key} lifted.`;
    }
    case "safe-add": {
      const entry = await addSafeListEntry(db, actor, validate(safeListEntrySchema, { value: text(form, "value"), note: optional(form, "note") }), meta);
      return `Added ${entry.value} to the Safe List.`;
    }
    case "safe-remove": {
      await removeSafeListEntry(db, actor, text(form, "id"), meta);
      return "Removed from the Safe List.";
    }
  }
}

/** The fields a failed form gets back, so the person does not type them again. */
const KEPT_FIELDS = ["scope", "key", "minutes", "note", "value"] as const;

/** The flash for a form that was refused with a 4xx (validation, not found, already ended). */
export function failedFlash(form: URLSearchParams, error: AppError): ProtectionFlash {
  const intent = (PROTECTION_INTENTS as readonly string[]).includes(form.get("intent") ?? "") ? (form.get("intent") as ProtectionIntent) : "mode";
  const values = Object.fromEntries(KEPT_FIELDS.filter((k) => form.has(k)).map((k) => [k, text(form, k)]));
  return { intent, ok: false, message: error.message, fields: error.details.fields ?? {}, values };
}

export const PROTECTION_FLASH_COOKIE = "protection-flash";
const SALT = "phoneotp.protection-flash";
/** Long enough to follow the 303; a reload a minute later shows the page without the old message. */
export const FLASH_MAX_AGE_SECONDS = 60;

export async function encodeFlash(flash: ProtectionFlash): Promise<string> {
  return encode({ token: { flash } as Record<string, unknown>, secret: env().NEXTAUTH_SECRET, salt: SALT, maxAge: FLASH_MAX_AGE_SECONDS });
}

/** The flash, or null for a missing, expired or forged cookie. */
export async function decodeFlash(value: string | undefined): Promise<ProtectionFlash | null> {
  if (!value) return null;
  try {
    const payload = await decode({ token: value, secret: env().NEXTAUTH_SECRET, salt: SALT });
    const flash = payload?.flash as ProtectionFlash | undefined;
    return flash && typeof flash.message === "string" && (PROTECTION_INTENTS as readonly string[]).includes(flash.intent) ? flash : null;
  } catch {
    return null;
  }
}
