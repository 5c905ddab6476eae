import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { AppError } from "../api/errors";
import { apiMessage } from "../api/messages";
import { isShippedLocale, type Locale } from "../i18n/locales";
import type { Db } from "../db/connection";
import type { Env } from "../env";
import { log } from "../log";
import { parseChannelRoutes, routeFor, type Channel } from "./routes";
import { createSmsSender, type SmsSenderConfig } from "./sender";
import { renderOtpMessage, type TemplateConfig } from "./template";
import type { SmsAttempt, SmsSender, SmsSendOutcome } from "./types";
import { createTwilioVoiceProvider, isVoiceConfigured, type TwilioVoiceConfig } from "./voice";
import { createWhatsAppProvider, isWhatsAppConfigured, type WhatsAppConfig } from "./whatsapp";

/** The senders for the channels other than SMS, and the `auto` order per country (CHANNEL_ROUTES). */
export type ChannelSenders = { whatsapp?: SmsSender; voice?: SmsSender; routes: Map<string, Channel[]> };

export type RequestedChannel = Channel | "auto";

export function createChannelSenders(config: SmsSenderConfig & WhatsAppConfig & TwilioVoiceConfig & Pick<Env, "CHANNEL_ROUTES">): ChannelSenders {
  // Same timeouts and "never twice" rules as SMS; one provider each (no failover inside a channel).
  return {
    ...(isWhatsAppConfigured(config) && { whatsapp: createSmsSender(config, { providers: [createWhatsAppProvider(config)] }) }),
    ...(isVoiceConfigured(config) && { voice: createSmsSender(config, { providers: [createTwilioVoiceProvider(config)] }) }),
    routes: parseChannelRoutes(config.CHANNEL_ROUTES),
  };
}


/** The channels to try, in order. A channel that is not configured is a 400, never a silent SMS. */
export function resolveChannels(channels: ChannelSenders | undefined, requested: RequestedChannel, country: string | undefined): Channel[] {
  const available = (c: Channel) => c === "sms" || !!channels?.[c];
  if (requested === "auto") {
    const order = routeFor(channels?.routes ?? new Map<string, Channel[]>(), country, ["sms"] as Channel[]).filter(available);
    return order.length ? order : ["sms"];
  }
  if (!available(requested)) {
    const message = { key: "channelUnavailable", values: { channel: requested } } as const;
    throw new AppError("validation_error", message, { fields: { channel: apiMessage("en", message) } });
  }
  return [requested];
}

// The fallback copy of a code: AES-256-GCM under a key derived from OTP_SECRET for this purpose
// only, bound to its verification id (a ciphertext moved to another row does not decrypt).
function fallbackKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "", "phoneotp:whatsapp-sms-fallback:v1", 32));
}

export function sealFallbackCode(secret: string, verificationId: string, code: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", fallbackKey(secret), iv);
  cipher.setAAD(Buffer.from(verificationId));
  const data = Buffer.concat([cipher.update(code, "utf8"), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url")}`;
}

export function openFallbackCode(secret: string, verificationId: string, sealed: string): string | undefined {
  try {
    if (!sealed.startsWith("v1.")) return undefined;
    const raw = Buffer.from(sealed.slice(3), "base64url");
    const decipher = createDecipheriv("aes-256-gcm", fallbackKey(secret), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(verificationId));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

export type ChannelAttempt = SmsAttempt & { channel: Channel };
export type DeliveryOutcome = Omit<SmsSendOutcome, "attempts"> & { channel: Channel; attempts: ChannelAttempt[] };

/**
 * Sends one code through the channels in order: a definite failure moves to the next channel at
 * once (same code); a success or an unconfirmed attempt ends it (a second channel after an
 * unconfirmed one could deliver the code twice).
 */
export async function deliverCode(
  senders: { sms: SmsSender; channels?: ChannelSenders },
  order: Channel[],
  message: { to: string; text: string; purpose: string; country?: string; code: string },
): Promise<DeliveryOutcome> {
  const attempts: ChannelAttempt[] = [];
  let last: SmsSendOutcome = { ok: false, status: "failed", attempts: [] };
  let channel: Channel = order[0];
  for (const next of order) {
    channel = next;
    const sender = next === "sms" ? senders.sms : senders.channels?.[next];
    if (!sender) continue;
    last = await sender.send(next === "sms" ? { to: message.to, text: message.text, purpose: message.purpose, ...(message.country && { country: message.country }) } : message);
    attempts.push(...last.attempts.map((a) => ({ ...a, channel: next })));
    if (last.status !== "failed") break;
    if (next !== order.at(-1)) log.info("channel fallback", { from: next, reason: last.attempts.at(-1)?.errorCode });
  }
  return { ok: last.ok, status: last.status, channel, attempts };
}

/** Stores every attempt (text masked), the verification's channel, SMS result and fallback copy, in one statement. */
export async function recordDelivery(
  db: Db,
  now: Date,
  verificationId: string,
  to: string,
  maskedText: string,
  outcome: DeliveryOutcome,
  fallbackCode: string | null,
  locale: Locale | null,
) {
  const last = outcome.attempts.at(-1);
  const attempts = JSON.stringify(
    outcome.attempts.map((a) => ({
      provider: a.provider,
      channel: a.channel,
      attempt: a.attempt,
      status: a.status,
      providerMessageId: a.providerMessageId ?? null,
      httpStatus: a.httpStatus ?? null,
      errorCode: a.errorCode ?? null,
      errorMessage: a.errorMessage?.slice(0, 500) ?? null,
      latencyMs: Math.round(a.latencyMs),
      startedAt: a.startedAt.toISOString(),
    })),
  );
  // One round trip, plan cached per connection (otp_record_sms, in the migrations).
  await db.$executeRaw`
    SELECT otp_record_sms(${verificationId}, ${to}, ${maskedText}, ${attempts}::jsonb,
      ${last?.provider ?? null}, ${outcome.ok}, ${now}::timestamp, ${outcome.channel}, ${fallbackCode}, ${locale})`;
}

export type FallbackContext = { db: Db; sms: SmsSender; now: () => Date; secret: string; template: TemplateConfig; ttlSeconds: number };

/**
 * WhatsApp reported an `auto` code failed: send the same code by SMS, once. Taking the fallback copy
 * (a conditional UPDATE that clears it) is the race gate: a repeated webhook finds nothing to send.
 * Nothing happens for a code no longer pending or already expired.
 */
export async function fallbackToSms(ctx: FallbackContext, verificationId: string): Promise<"sent" | "unconfirmed" | "failed" | "skipped"> {
  const now = ctx.now();
  const rows = await ctx.db.$queryRaw<{ phone: string; country: string | null; purpose: string; status: string; expiresAt: Date; sealed: string; smsLocale: string | null }[]>`
    WITH old AS (
      SELECT id, "fallbackCode" AS sealed FROM "Verification"
       WHERE id = ${verificationId} AND "fallbackCode" IS NOT NULL FOR UPDATE)
    UPDATE "Verification" v SET "fallbackCode" = NULL FROM old WHERE v.id = old.id
    RETURNING v.phone, v.country, v.purpose, v.status::text AS status, v."expiresAt", old.sealed, v."smsLocale"`;
  const row = rows[0];
  if (!row || row.status !== "pending" || row.expiresAt <= now) return "skipped";
  const code = openFallbackCode(ctx.secret, verificationId, row.sealed);
  if (!code) return "skipped";
  // The same language as the WhatsApp message would have had: the one chosen at send time.
  const locale = isShippedLocale(row.smsLocale) ? row.smsLocale : (ctx.template.DEFAULT_LOCALE as Locale);
  const message = renderOtpMessage({ code, purpose: row.purpose, ttlSeconds: ctx.ttlSeconds, locale }, ctx.template);
  const outcome = await deliverCode({ sms: ctx.sms }, ["sms"], { to: row.phone, text: message.text, purpose: row.purpose, code, ...(row.country && { country: row.country }) });
  await recordDelivery(ctx.db, ctx.now(), verificationId, row.phone, message.maskedText, outcome, null, locale);
  log.info("whatsapp fell back to sms", { verificationId, status: outcome.status });
  return outcome.status;
}
