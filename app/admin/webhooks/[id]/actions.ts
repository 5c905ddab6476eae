"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { enableWebhookEndpoint } from "@/lib/webhooks/endpoints";

/** The endpoint page's "Enable" form (works before JavaScript: the redirect answers 303). */
export async function enableWebhookAction(form: FormData): Promise<void> {
  const admin = await requireAdmin(); // the action checks the role itself
  const userAgent = (await headers()).get("user-agent")?.slice(0, 300) ?? null;
  const id = String(form.get("id") ?? "");
  await enableWebhookEndpoint(await getDb(), id, { admin, userAgent });
  redirect(`/admin/webhooks/${encodeURIComponent(id)}?enabled=1`);
}
