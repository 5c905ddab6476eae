import "server-only";
import { timingSafeEqual } from "node:crypto";
import { AppError } from "../api/errors";
import type { Db } from "../db";
import type { Env } from "../env";
import { log } from "../log";
import { fallbackToSms, type FallbackContext } from "./channels";
import { applyDeliveryStatus } from "./delivery-reports";
import { readBodyLimited } from "./http";
import { validateWhatsAppSignature, whatsAppReason } from "./whatsapp";

export type WhatsAppWebhookConfig = Pick<Env, "WHATSAPP_VERIFY_TOKEN" | "WHATSAPP_APP_SECRET">;

/** Meta batches statuses; a webhook body is a few KB at most. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** GET: Meta's subscription handshake. Echoes hub.challenge only for the right hub.verify_token. */
export function handleWhatsAppVerify(req: Request, config: WhatsAppWebhookConfig): Response {
  if (!config.WHATSAPP_VERIFY_TOKEN) throw new AppError("not_found", "WhatsApp is not configured.");
  const params = new URL(req.url).searchParams;
  const challenge = params.get("hub.challenge") ?? "";
  if (params.get("hub.mode") !== "subscribe" || !sameText(params.get("hub.verify_token") ?? "", config.WHATSAPP_VERIFY_TOKEN) || challenge.length > 200) {
    log.warn("whatsapp webhook verification refused", {});
    throw new AppError("forbidden", "The verify token is missing or invalid.");
  }
  return new Response(challenge, { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

type StatusUpdate = { id?: unknown; status?: unknown; errors?: { code?: unknown; title?: unknown }[] };

/**
 * POST: delivery statuses. The X-Hub-Signature-256 of the raw body must match WHATSAPP_APP_SECRET
 * (403 and a log line otherwise). delivered/read → delivered (and the fallback copy is dropped);
 * failed → undelivered with its reason, and for an `auto` send the same code goes out by SMS.
 */
export async function handleWhatsAppWebhook(
  req: Request,
  config: WhatsAppWebhookConfig,
  deps: { getDb: () => Promise<Db>; fallback: () => Promise<FallbackContext>; now?: () => Date },
): Promise<Response> {
  if (!config.WHATSAPP_APP_SECRET) throw new AppError("not_found", "WhatsApp is not configured.");
  if (Number(req.headers.get("content-length") ?? "0") > MAX_WEBHOOK_BYTES) throw new AppError("payload_too_large", "The request body is too large.");
  const raw = req.body ? await readBodyLimited(new Response(req.body), MAX_WEBHOOK_BYTES + 1) : "";
  if (raw.length > MAX_WEBHOOK_BYTES) throw new AppError("payload_too_large", "The request body is too large.");
  const signature = req.headers.get("x-hub-signature-256");
  if (!validateWhatsAppSignature(config.WHATSAPP_APP_SECRET, raw, signature)) {
    log.warn("whatsapp webhook refused", { reason: signature ? "bad signature" : "unsigned" });
    throw new AppError("forbidden", "The X-Hub-Signature-256 is missing or invalid.");
  }
  let body: { entry?: { changes?: { value?: { statuses?: StatusUpdate[] } }[] }[] };
  try {
    body = JSON.parse(raw);
  } catch {
    throw new AppError("invalid_json", "The body is not valid JSON.");
  }
  const now = deps.now ?? (() => new Date());
  const statuses = (Array.isArray(body?.entry) ? body.entry : []).flatMap((e) => (Array.isArray(e?.changes) ? e.changes : []).flatMap((c) => (Array.isArray(c?.value?.statuses) ? c.value.statuses : [])));
  for (const s of statuses) {
    const id = typeof s?.id === "string" ? s.id : undefined;
    const status = typeof s?.status === "string" ? s.status : "";
    if (!id || !["delivered", "read", "failed"].includes(status)) continue;
    const db = await deps.getDb();
    const message = await db.smsMessage.findFirst({ where: { provider: "whatsapp", providerMessageId: id }, select: { verificationId: true } });
    if (!message) continue;
    if (status === "failed") {
      const code = Number(s.errors?.[0]?.code);
      const title = typeof s.errors?.[0]?.title === "string" ? s.errors[0].title.slice(0, 120) : "failed";
      await applyDeliveryStatus(db, {
        provider: "whatsapp",
        providerMessageId: id,
        status: "undelivered",
        at: now(),
        errorCode: whatsAppReason(Number.isFinite(code) ? code : undefined)?.errorCode ?? "unknown",
        errorMessage: Number.isFinite(code) ? `WhatsApp ${code}: ${title}` : `WhatsApp ${title}`,
      });
      // Only auto sends kept a fallback copy; fallbackToSms does nothing for the others.
      await fallbackToSms(await deps.fallback(), message.verificationId);
    } else {
      await applyDeliveryStatus(db, { provider: "whatsapp", providerMessageId: id, status: "delivered", at: now() });
      await db.verification.updateMany({ where: { id: message.verificationId, fallbackCode: { not: null } }, data: { fallbackCode: null } });
    }
  }
  return new Response(null, { status: 200, headers: { "Cache-Control": "no-store" } });
}
