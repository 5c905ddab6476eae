/** Request schemas of the Protection admin API; no server-only imports (the page shares them). */
import { z } from "zod";

export const GUARD_MODES = ["off", "monitor", "enforce"] as const;
export const BLOCK_SCOPES = ["number", "range", "country"] as const;

const e164Prefix = z
  .string({ error: "Enter a number or range, e.g. +25571234." })
  .trim()
  .transform((v) => v.replace(/[\s().-]/g, ""))
  .refine((v) => /^\+[1-9]\d{3,14}$/.test(v), "Use + and 4 to 15 digits: a full number or the start of a range (e.g. +25571234).");

export const guardModeSchema = z.object({ mode: z.enum(GUARD_MODES, { error: "Mode is off, monitor or enforce." }) });

export const safeListEntrySchema = z.object({ value: e164Prefix, note: z.string().trim().max(200).optional() });

export const manualBlockSchema = z
  .object({
    scope: z.enum(BLOCK_SCOPES, { error: "Scope is number, range or country." }),
    key: z.string({ error: "Enter what to block." }).trim().min(1, "Enter what to block.").max(20),
    minutes: z.coerce.number().int().min(1).max(30 * 24 * 60).default(60),
    note: z.string().trim().max(200).optional(),
  })
  .transform((v, ctx) => {
    if (v.scope === "country") {
      const key = v.key.toUpperCase();
      if (!/^[A-Z]{2}$/.test(key)) ctx.addIssue({ code: "custom", path: ["key"], message: "Use a two-letter country code, e.g. TZ." });
      return { ...v, key };
    }
    const parsed = e164Prefix.safeParse(v.key);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", path: ["key"], message: parsed.error.issues[0].message });
      return v;
    }
    return { ...v, key: parsed.data };
  });

export type GuardModeInput = z.infer<typeof guardModeSchema>;
export type SafeListEntryInput = z.infer<typeof safeListEntrySchema>;
export type ManualBlockInput = z.infer<typeof manualBlockSchema>;
