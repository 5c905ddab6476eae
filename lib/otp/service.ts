/**
 * The OTP domain: send and verify one-time codes. No HTTP, no React: callers pass a context with
 * the database, the configuration, the SMS sender and a clock, and catch AppError.
 */
import { randomUUID } from "node:crypto";
import { AppError } from "../api/errors";
import { apiMessage, type ApiMessageKey } from "../api/messages";
import type { Db } from "../db/connection";
import { recordRefusal } from "../audit/refusals";
import { log } from "../log";
import { emitWebhookEvent } from "../webhooks/events";
import { metrics } from "../metrics";
import { parsePhone, PhoneError, type ParsedPhone } from "../phone";
import { deliverCode, recordDelivery, resolveChannels, sealFallbackCode, type ChannelSenders, type RequestedChannel } from "../sms/channels";
import type { Channel } from "../sms/routes";
import { renderOtpMessage } from "../sms/template";
import { matchRequestedLocale, smsLocaleForCountry } from "../sms/locale";
import type { Locale } from "../i18n/locales";
import type { SmsSender } from "../sms/types";
import { toAsciiDigits } from "../digits";
import { generateCode, generateToken, hashCode, hashToken } from "./codes";
import { checkBotChallenge } from "./challenge";
import type { OtpConfig } from "./config";
import { beginGuardedSend, guardVerifiedArgs, releaseGuardedSend, type GuardTicket } from "./guard";
import { signVerificationToken } from "./verification-token";

export type OtpContext = { db: Db; config: OtpConfig; sms: SmsSender; now: () => Date; channels?: ChannelSenders };

/** `apiKeyId`: the caller proved an API key, whose own budget replaces the per-IP limits. */
export type RequestMeta = { ip?: string | null; userAgent?: string | null; apiKeyId?: string };

export type SendResult = {
  status: "sent";
  verificationId: string;
  phone: string;
  expiresAt: Date;
  resendAfter: Date;
  /** The channel that carried the code (for `auto`, the one that worked). */
  channel: Channel;
  /**
   * Present only when no gateway confirmed the SMS but one may have taken it (timeout, reset): the
   * code is valid and may arrive; the send counts toward the limits, so a resend waits as usual.
   */
  delivery?: "unconfirmed";
};

export type VerifyResult = {
  status: "verified";
  verificationId: string;
  phone: string;
  purpose: string;
  /**
   * Single-use, short-lived: exchanged for a session without typing the code again. Already spent
   * when the verify was asked to `spendLoginToken` (its caller opens the session itself).
   */
  loginToken: string;
  /** A short-lived JWT (EdDSA) a back end checks offline against /.well-known/jwks.json. */
  verificationToken: string;
};

const HOUR = 3_600_000;

const PHONE_MESSAGES: Record<PhoneError["problem"], ApiMessageKey> = {
  empty: "phoneEmpty",
  invalid: "phoneInvalid",
  not_mobile: "phoneNotMobile",
  landline: "phoneLandline",
  voip: "phoneVoip",
  premium: "phonePremium",
  non_geographic: "phoneNonGeographic",
  country_not_allowed: "phoneCountryNotAllowed",
};

export function normalizePhone(config: OtpConfig, input: string): ParsedPhone {
  const compact = input.trim().replace(/[\s().-]/g, "");
  // Configured test numbers are often fictional ranges: accept them as written.
  if (config.testNumbers.has(compact)) return { e164: compact, country: undefined };
  try {
    return parsePhone(input, config.phone);
  } catch (error) {
    if (error instanceof PhoneError) {
      const message = { key: PHONE_MESSAGES[error.problem] };
      throw new AppError("invalid_phone", message, { fields: { phone: apiMessage("en", message) } });
    }
    throw error;
  }
}

/** Matches the configured purpose case-insensitively and returns its configured spelling. */
export function normalizePurpose(config: OtpConfig, purpose: string | undefined): string {
  const wanted = (purpose ?? config.purposes[0]).trim();
  const found = config.purposes.find((p) => p.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    const message = { key: "unknownPurpose", values: { purposes: config.purposes.join(", ") } } as const;
    throw new AppError("validation_error", message, { fields: { purpose: apiMessage("en", message) } });
  }
  return found;
}

/** A requested SMS locale: one of LOCALES ("fr-CA" reads as fr), else a 400 naming them. */
export function normalizeLocale(config: OtpConfig, requested: string): Locale {
  const locale = matchRequestedLocale(config.smsLocale, requested);
  if (!locale) {
    const message = { key: "unknownLocale", values: { locales: config.smsLocale.locales.join(", ") } } as const;
    throw new AppError("validation_error", message, { fields: { locale: apiMessage("en", message) } });
  }
  return locale;
}

function secondsUntil(now: Date, at: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
}

function rateLimited(now: Date, until: Date, key: ApiMessageKey, limit: string): AppError {
  const retryAfter = secondsUntil(now, until);
  return new AppError("rate_limited", { key, values: { seconds: retryAfter } }, { retryAfter, limit });
}

/** Why otp_begin_send refused, in the words the user sees (the `api` message catalogue). */
const SEND_REFUSALS: Record<string, ApiMessageKey> = {
  cooldown: "sendCooldown",
  phone_hour: "sendPhoneHour",
  phone_day: "sendPhoneDay",
  ip_hour: "sendIpHour",
};

/** The limit's refusal, aggregated per rule, key (the phone or the address it counts) and minute. */
async function recordLimit(ctx: OtpContext, rule: string, phone: string, meta: RequestMeta) {
  metrics().rateLimited.inc({ rule });
  const byIp = rule === "ip_hour" || rule === "verify_ip_hour";
  const key = byIp ? meta.ip : phone;
  if (!key) return;
  await recordRefusal(ctx.db, { type: "rate_limited", rule, key, keyKind: byIp ? "ip" : "phone", userAgent: meta.userAgent, at: ctx.now() });
}

/**
 * Issues a new code for phone+purpose and sends it. The newest code supersedes any pending one
 * (only hashes are kept, so an old code cannot be re-sent). Limits are checked and the row written
 * under a per-phone advisory lock, so concurrent sends for one number cannot both pass a limit.
 */
export async function sendOtp(
  ctx: OtpContext,
  // `via`: which API asked (the seed routes cannot solve a challenge); `channel`: how the code travels.
  // `locale`: the SMS language asked for (native API); without it, the number's country decides.
  input: { phone: string; purpose?: string; challenge?: string; via?: "native" | "seed"; channel?: RequestedChannel; locale?: string } & RequestMeta,
): Promise<SendResult> {
  const { config } = ctx;
  const now = ctx.now();
  const phone = normalizePhone(config, input.phone);
  const purpose = normalizePurpose(config, input.purpose);
  const locale = input.locale === undefined ? smsLocaleForCountry(config.smsLocale, phone.country) : normalizeLocale(config, input.locale);
  const channels = resolveChannels(ctx.channels, input.channel ?? "sms", phone.country);
  const testCode = config.testNumbers.get(phone.e164);
  const code = testCode ?? generateCode(config.codeLength);
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + config.ttlSeconds * 1000);
  const ip = input.ip ?? null;
  const count = (outcome: string, channel: string = channels[0]) => metrics().sends.inc({ outcome, purpose, channel, country: phone.country ?? "unknown" });

  // Test numbers send no SMS: no challenge, no budgets. The seed routes cannot change their clients,
  // so they are never asked for a challenge (the budgets and the guard still apply).
  let ticket: GuardTicket | undefined;
  if (testCode === undefined) {
    if (input.via !== "seed") await checkBotChallenge(ctx, { phone, ip, challenge: input.challenge });
    ticket = await beginGuardedSend(ctx, phone, (rule) => recordLimit(ctx, rule, phone.e164, input));
  }

  // One round trip: limits checked and the row written under a per-phone lock (see the migration
  // defining otp_begin_send). Rules, in order: resend cooldown per phone+purpose, sends per phone per
  // hour and per day (sends that ended verified do not count), sends per client IP per hour; 0 = off.
  const [gate] = await ctx.db.$queryRaw<{ refused_rule: string | null; retry_at: Date | null }[]>`
    SELECT refused_rule, retry_at FROM otp_begin_send(
      ${id}, ${phone.e164}, ${phone.country ?? null}, ${purpose},
      ${hashCode(config.secret, phone.e164, purpose, code)}, ${config.maxAttempts}::int,
      ${expiresAt}::timestamp, ${now}::timestamp, ${ip}, ${input.userAgent ?? null}, ${testCode !== undefined},
      ${config.resendCooldownSeconds}::int, ${config.maxSendsPerPhonePerHour}::int,
      ${config.maxSendsPerPhonePerDay}::int, ${input.apiKeyId ? 0 : config.maxSendsPerIpPerHour}::int)`;
  if (gate.refused_rule) {
    count("rate_limited");
    // Nothing is sent: give back the budgets this send took (a refused request costs no budget).
    if (ticket) await releaseGuardedSend(ctx, ticket);
    await recordLimit(ctx, gate.refused_rule, phone.e164, input);
    throw rateLimited(now, gate.retry_at ?? now, SEND_REFUSALS[gate.refused_rule] ?? "tooManyRequests", gate.refused_rule);
  }

  if (input.apiKeyId) {
    // A separate statement: otp_begin_send (another change's function) does not know keys.
    await ctx.db.verification.update({ where: { id }, data: { apiKeyId: input.apiKeyId } });
  }
  const resendAfter = new Date(now.getTime() + config.resendCooldownSeconds * 1000);
  if (testCode !== undefined) {
    count("test_number");
    log.info("test number used", { verificationId: id, purpose });
    await ctx.db.auditEvent.create({
      data: { type: "test_number_used", phone: phone.e164, ip, userAgent: input.userAgent ?? null, data: { verificationId: id, purpose }, createdAt: now },
    });
    return { status: "sent", verificationId: id, phone: phone.e164, expiresAt, resendAfter, channel: channels[0] };
  }

  const message = renderOtpMessage({ code, purpose, ttlSeconds: config.ttlSeconds, locale }, config.sms);
  const outcome = await deliverCode(ctx, channels, { to: phone.e164, text: message.text, purpose, code, ...(phone.country && { country: phone.country }) });
  // An auto send that went by WhatsApp keeps an encrypted copy of the code: WhatsApp may report it
  // failed later (not on WhatsApp: 131026), and the same code then goes by SMS (lib/sms/channels.ts).
  const keepForFallback = outcome.channel === "whatsapp" && outcome.ok && channels.slice(channels.indexOf("whatsapp") + 1).includes("sms");
  await recordDelivery(ctx.db, ctx.now(), id, phone.e164, message.maskedText, outcome, keepForFallback ? sealFallbackCode(config.secret, id, code) : null, locale);
  for (const a of outcome.attempts) {
    metrics().smsAttempts.inc({ provider: a.provider, status: a.status });
    metrics().smsLatency.observe({ provider: a.provider, status: a.status }, a.latencyMs / 1000);
  }
  count(outcome.ok ? "sent" : outcome.status === "unconfirmed" ? "unconfirmed" : "sms_failed", outcome.channel);
  const emitSent = (delivery: string) =>
    emitWebhookEvent(ctx.db, "verification.sent", { verificationId: id, phone: phone.e164, purpose, channel: outcome.channel, expiresAt: expiresAt.toISOString(), delivery }, now);
  if (outcome.status === "unconfirmed") {
    // Not an error: answering 502 would invite an immediate retry, and a second SMS, for a code
    // that may be on its way. The verification stays pending and counts toward every limit.
    log.warn("sms unconfirmed", { verificationId: id, attempts: outcome.attempts.length, reason: outcome.attempts.at(-1)?.errorCode });
    await emitSent("unconfirmed");
    return { status: "sent", verificationId: id, phone: phone.e164, expiresAt, resendAfter, channel: outcome.channel, delivery: "unconfirmed" };
  }
  if (!outcome.ok) {
    log.warn("sms failed", { verificationId: id, attempts: outcome.attempts.length, reason: outcome.attempts.at(-1)?.errorCode });
    const last = outcome.attempts.at(-1);
    await emitWebhookEvent(ctx.db, "sms.failed", { verificationId: id, phone: phone.e164, purpose, channel: outcome.channel, provider: last?.provider ?? null, errorCode: last?.errorCode ?? null }, now);
    throw new AppError("sms_failed", { key: "smsFailed" });
  }
  await emitSent("sent");
  return { status: "sent", verificationId: id, phone: phone.e164, expiresAt, resendAfter, channel: outcome.channel };
}

type VerifyRow = {
  id: string | null;
  status: string | null;
  attempts: number | null;
  maxAttempts: number | null;
  ip_attempts: number;
  ip_oldest: Date | null;
};

/**
 * Checks a code in one statement (otp_check_code, defined in the migrations). Its conditional
 * UPDATE is the race gate: it locks the newest pending verification for phone+purpose and either
 * marks it verified (right code, in time, under the attempt limit), marks it expired, or counts a
 * wrong attempt (locking at the limit). Concurrent calls serialise on the row lock and re-check
 * `status = 'pending'`, so one code verifies once. The same call applies the per-IP verify limit
 * under an advisory lock for the IP key (exact across instances) and records the attempt.
 */
export async function verifyOtp(
  ctx: OtpContext,
  // `spendLoginToken`: the caller opens the session itself (verify with "session": true, the login
  // form), so the same UPDATE marks the token used: no second statement to spend it.
  input: { phone: string; code: string; purpose?: string; spendLoginToken?: boolean } & RequestMeta,
): Promise<VerifyResult> {
  const { config } = ctx;
  const now = ctx.now();
  const parsed = normalizePhone(config, input.phone);
  const phone = parsed.e164;
  const purpose = normalizePurpose(config, input.purpose);
  const ip = input.ip ?? null;
  const count = (outcome: string) => metrics().verifies.inc({ outcome, purpose, channel: "sms", country: parsed.country ?? "unknown" });
  const ipLimit = ip && !input.apiKeyId && config.maxVerifyPerIpPerHour > 0 ? config.maxVerifyPerIpPerHour : 0;
  // Every caller (API, seed adapter, next-auth) gets the same reading: any script's digits are digits.
  const codeHash = hashCode(config.secret, phone, purpose, toAsciiDigits(input.code.trim()));
  const token = generateToken();
  const tokenHash = hashToken(config.secret, token);

  // One round trip: IP window, the conditional UPDATE, the attempt record, the fraud guard's verified
  // count (its own subtransaction: a failure there does not undo the verify) and, when asked, the
  // login token spent (otp_check_code, migration 20261203050000).
  const guard = guardVerifiedArgs(ctx.config, parsed);
  const [row] = await ctx.db.$queryRaw<VerifyRow[]>`
    SELECT r_id AS id, r_status AS status, r_attempts AS attempts, r_max_attempts AS "maxAttempts",
           r_ip_attempts AS ip_attempts, r_ip_oldest AS ip_oldest
      FROM otp_check_code(${phone}, ${purpose}, ${codeHash}, ${tokenHash}, ${now}::timestamp, ${ip}, ${ipLimit}::int,
                          ${guard.range}, ${guard.country}, ${guard.bucketSeconds}::int, ${input.spendLoginToken === true})`;

  if (row.id && row.status === "verified") {
    count("verified");
    const verificationToken = await signVerificationToken(
      ctx.db,
      { secret: config.secret, ...config.verificationToken },
      { phone, purpose, verificationId: row.id, verifiedAt: now },
      now,
    );
    await emitWebhookEvent(ctx.db, "verification.approved", { verificationId: row.id, phone, purpose, verifiedAt: now.toISOString() }, now);
    return { status: "verified", verificationId: row.id, phone, purpose, loginToken: `${row.id}.${token}`, verificationToken };
  }
  if (!row.id && !row.status && ipLimit && row.ip_oldest) {
    count("rate_limited");
    await recordLimit(ctx, "verify_ip_hour", phone, input);
    throw rateLimited(now, new Date(row.ip_oldest.getTime() + HOUR), "verifyIpHour", "verify_ip_hour");
  }
  // Without a pending code, r_status says why (expired, locked or not_found), already recorded.
  const result = row.status;
  const attemptsLeft = row.maxAttempts !== null && row.attempts !== null ? row.maxAttempts - row.attempts : null;
  count(result === "expired" || result === "locked" ? result : result === "pending" && attemptsLeft !== null ? "invalid_code" : "not_found");
  // r_id set: this call moved the code to expired or locked (later calls only report it).
  if (row.id && (result === "expired" || result === "locked")) {
    await emitWebhookEvent(ctx.db, `verification.${result}`, { verificationId: row.id, phone, purpose, attempts: row.attempts }, now, `${result}:${row.id}`);
  }
  if (result === "expired") throw new AppError("expired", { key: "expired" });
  if (result === "locked") throw new AppError("locked", { key: "locked" });
  if (result === "pending" && attemptsLeft !== null) {
    throw new AppError("invalid_code", { key: "invalidCode", values: { attemptsLeft } }, { attemptsLeft });
  }
  throw new AppError("not_found", { key: "noActiveCode" });
}

/**
 * Exchanges the token from a successful verify for the phone it proved, once. The conditional
 * UPDATE makes it single-use under concurrency; it is valid OTP_LOGIN_TOKEN_TTL_SECONDS after verify.
 */
export async function consumeLoginToken(
  ctx: OtpContext,
  input: { token: string; purpose?: string },
): Promise<{ phone: string; verificationId: string }> {
  const purpose = normalizePurpose(ctx.config, input.purpose);
  const [id, token] = input.token.split(".", 2);
  const invalid = new AppError("invalid_code", { key: "loginTokenInvalid" });
  if (!id || !token || id.length > 64) throw invalid;
  const now = ctx.now();
  const oldest = new Date(now.getTime() - ctx.config.loginTokenTtlSeconds * 1000);
  const rows = await ctx.db.$queryRaw<{ id: string; phone: string }[]>`
    UPDATE "Verification" SET "loginTokenUsedAt" = ${now}::timestamp, "updatedAt" = ${now}::timestamp
    WHERE id = ${id} AND purpose = ${purpose} AND status = 'verified'
      AND "loginTokenHash" = ${hashToken(ctx.config.secret, token)}
      AND "loginTokenUsedAt" IS NULL AND "verifiedAt" > ${oldest}::timestamp
    RETURNING id, phone`;
  if (!rows[0]) throw invalid;
  return { phone: rows[0].phone, verificationId: rows[0].id };
}
