"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { fieldErrors } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getJobQueue } from "@/lib/jobs/runtime";
import { createWebhookEndpoint, createWebhookSchema, deleteWebhookEndpoint, redeliverWebhook } from "@/lib/webhooks/endpoints";
import { webhookSettings } from "@/lib/webhooks/settings";

export type CreateWebhookState = { id?: string; secret?: string; url?: string; error?: string; fields?: Record<string, string> };

async function actor() {
  const admin = await requireAdmin(); // every action checks the role itself
  const h = await headers();
  return { admin, userAgent: h.get("user-agent")?.slice(0, 300) ?? null };
}

/** The "Add endpoint" form (works before JavaScript): the signing secret is shown once, in the answer. */
export async function createWebhookAction(_previous: CreateWebhookState, form: FormData): Promise<CreateWebhookState> {
  let who;
  try {
    who = await actor();
  } catch (error) {
    return { error: error instanceof AppError ? error.message : "Not allowed." };
  }
  const parsed = createWebhookSchema.safeParse({ url: String(form.get("url") ?? ""), events: form.getAll("events").map(String) });
  if (!parsed.success) return { error: "Some fields are missing or invalid.", fields: fieldErrors(parsed.error as z.ZodError) };
  try {
    const created = await createWebhookEndpoint(await getDb(), parsed.data, who, webhookSettings());
    revalidatePath("/admin/webhooks");
    return { id: created.id, secret: created.secret, url: created.url };
  } catch (error) {
    if (error instanceof AppError && error.code === "validation_error") return { error: error.message };
    throw error;
  }
}

export async function deleteWebhookAction(form: FormData): Promise<void> {
  const who = await actor();
  await deleteWebhookEndpoint(await getDb(), String(form.get("id") ?? ""), who);
  revalidatePath("/admin/webhooks");
  redirect("/admin/webhooks");
}

export async function redeliverWebhookAction(form: FormData): Promise<void> {
  const { admin } = await actor();
  const endpointId = String(form.get("endpointId") ?? "");
  await redeliverWebhook(await getDb(), await getJobQueue(), endpointId, String(form.get("deliveryId") ?? ""), admin);
  redirect(`/admin/webhooks/${encodeURIComponent(endpointId)}?redelivered=1`);
}
