"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { fieldErrors } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/api-keys";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export type CreateKeyState = { key?: string; name?: string; error?: string; fields?: Record<string, string> };

async function actor() {
  const admin = await requireAdmin(); // every action checks the role itself
  const h = await headers();
  return { admin, userAgent: h.get("user-agent")?.slice(0, 300) ?? null };
}

/** The "Create key" form (works before JavaScript): the new key is shown once, in the answer. */
export async function createApiKeyAction(_previous: CreateKeyState, form: FormData): Promise<CreateKeyState> {
  let who;
  try {
    who = await actor();
  } catch (error) {
    return { error: error instanceof AppError ? error.message : "Not allowed." };
  }
  const input = {
    name: String(form.get("name") ?? ""),
    scopes: form.getAll("scopes").map(String),
    allowedIps: String(form.get("allowedIps") ?? "").split(/[\s,]+/).filter(Boolean),
    rateLimitPerHour: Number(form.get("rateLimitPerHour") || 1000),
  };
  const parsed = createApiKeySchema.safeParse(input);
  if (!parsed.success) return { error: "Some fields are missing or invalid.", fields: fieldErrors(parsed.error as z.ZodError) };
  const created = await createApiKey(await getDb(), parsed.data, who);
  revalidatePath("/admin/api-keys");
  return { key: created.key, name: created.name };
}

export async function revokeApiKeyAction(form: FormData): Promise<void> {
  const who = await actor();
  await revokeApiKey(await getDb(), String(form.get("id") ?? ""), who);
  revalidatePath("/admin/api-keys");
}
