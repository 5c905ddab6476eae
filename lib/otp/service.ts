/**
 * The OTP domain: send and verify one-time codes. No HTTP, no React: callers pass a context with
 * the database, the configuration, the SMS sender and a clock, and catch AppError.
 */
import { randomUUID } from "node:crypto";
import { AppError } from "../api/errors";
import type { Db } from "../db/connection";
import { log } from "../log";
import { parsePhone, PhoneError, type ParsedPhone } from "../phone";
import { renderOtpMessage } from "../sms/template";
import type { SmsSendOutcome, SmsSender } from "../sms/types";
import { generateCode, generateToken, hashCode, hashToken } from "./codes";
import type { OtpConfig } from "./config";

export type OtpContext = { db: Db; config: OtpConfig; sms: SmsSender; now: () => Date };

export type RequestMeta = { ip?: string | null; userAgent?: string | null };

export type SendResult = {
  status: "sent";
  verificationId: string;
  phone: string;
  expiresAt: Date;
  resendAfter: Date;
};

export type VerifyResult = {
  status: "verified";
  verificationId: string;
  phone: string;
  purpose: string;
  /** Single-use, short-lived: exchanged for a session without typing the code again. */
  loginToken: string;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const PHONE_MESSAGES: Record<PhoneError["problem"], string> = {
  empty: "Enter your phone number.",
  invalid: "Enter a valid mobile number, including the country code.",
  not_mobile: "That number cannot receive SMS. Use a mobile number.",
  country_not_allowed: "Phone numbers from this country are not supported.",
};

export function normalizePhone(config: OtpConfig, input: string): ParsedPhone {
  const compact = input.trim().replace(/[\s().-]/g, "");
  // Configured test numbers are often fictional ranges: accept them as written.
  if (config.testNumbers.has(compact)) return { e164: compact, country: undefined };
  try {
    return parsePhone(input, config.phone);
  } catch (error) {
    if (error instanceof PhoneError) {
      throw new AppError("invalid_phone", PHONE_MESSAGES[error.problem], { fields: { phone: PHONE_MESSAGES[error.problem] } });
    }
    throw error;
  }
}

/** Matches the configured purpose case-insensitively and returns its configured spelling. */
export function normalizePurpose(config: OtpConfig, purpose: string | undefined): string {
  const wanted = (purpose ?? config.purposes[0]).trim();
  const found = config.purposes.find((p) => p.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    const message = `Unknown purpose. Use one of: ${config.purposes.join(", ")}.`;
    throw new AppError("validation_error", message, { fields: { purpose: message } });
  }
  return found;
}

function secondsUntil(now: Date, at: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
}

function rateLimited(now: Date, until: Date, what: string): AppError {
  const retryAfter = secondsUntil(now, until);
  return new AppError("rate_limited", `${what} Try again in ${retryAfter} second${retryAfter === 1 ? "" : "s"}.`, { retryAfter });
}

type SendCounters = {
  lastForPurpose: Date | null;
  phoneHour: number;
  phoneHourOldest: Date | null;
  phoneDay: number;
  phoneDayOldest: Date | null;
  ipHour: number;
  ipHourOldest: Date | null;
};

/** Every send limit in one indexed query. Sends that ended verified do not count (Twilio's rule). */
async function readSendCounters(tx: Db, phone: string, purpose: string, ip: string | null, now: Date): Promise<SendCounters> {
  const hourAgo = new Date(now.getTime() - HOUR);
  const dayAgo = new Date(now.getTime() - DAY);
  const rows = await tx.$queryRaw<
    { last_for_purpose: Date | null; phone_hour: number; phone_hour_oldest: Date | null; phone_day: number; phone_day_oldest: Date | null; ip_hour: number; ip_hour_oldest: Date | null }[]
  >`
    SELECT
      max("createdAt") FILTER (WHERE purpose = ${purpose}) AS last_for_purpose,
      count(*) FILTER (WHERE "createdAt" > ${hourAgo}::timestamp AND status <> 'verified')::int AS phone_hour,
      min("createdAt") FILTER (WHERE "createdAt" > ${hourAgo}::timestamp AND status <> 'verified') AS phone_hour_oldest,
      count(*) FILTER (WHERE status <> 'verified')::int AS phone_day,
      min("createdAt") FILTER (WHERE status <> 'verified') AS phone_day_oldest,
      (SELECT count(*)::int FROM "Verification" WHERE ip = ${ip} AND "createdAt" > ${hourAgo}::timestamp) AS ip_hour,
      (SELECT min("createdAt") FROM "Verification" WHERE ip = ${ip} AND "createdAt" > ${hourAgo}::timestamp) AS ip_hour_oldest
    FROM "Verification"
    WHERE phone = ${phone} AND "createdAt" > ${dayAgo}::timestamp`;
  const r = rows[0];
  return {
    lastForPurpose: r.last_for_purpose,
    phoneHour: r.phone_hour,
    phoneHourOldest: r.phone_hour_oldest,
    phoneDay: r.phone_day,
    phoneDayOldest: r.phone_day_oldest,
    ipHour: r.ip_hour,
    ipHourOldest: r.ip_hour_oldest,
  };
}

function checkSendLimits(config: OtpConfig, c: SendCounters, now: Date): AppError | null {
  if (config.resendCooldownSeconds > 0 && c.lastForPurpose) {
    const until = new Date(c.lastForPurpose.getTime() + config.resendCooldownSeconds * 1000);
    if (until > now) return rateLimited(now, until, "Please wait before requesting another code.");
  }
  if (config.maxSendsPerPhonePerHour > 0 && c.phoneHour >= config.maxSendsPerPhonePerHour && c.phoneHourOldest) {
    return rateLimited(now, new Date(c.phoneHourOldest.getTime() + HOUR), "Too many codes were requested for this number.");
  }
  if (config.maxSendsPerPhonePerDay > 0 && c.phoneDay >= config.maxSendsPerPhonePerDay && c.phoneDayOldest) {
    return rateLimited(now, new Date(c.phoneDayOldest.getTime() + DAY), "Too many codes were requested for this number today.");
  }
  if (config.maxSendsPerIpPerHour > 0 && c.ipHour >= config.maxSendsPerIpPerHour && c.ipHourOldest) {
    return rateLimited(now, new Date(c.ipHourOldest.getTime() + HOUR), "Too many codes were requested from your network.");
  }
  return null;
}

async function recordRefusal(ctx: OtpContext, rule: string, phone: string | null, meta: RequestMeta) {
  await ctx.db.auditEvent
    .create({ data: { type: "rate_limited", phone, ip: meta.ip ?? null, userAgent: meta.userAgent ?? null, data: { rule }, createdAt: ctx.now() } })
    .catch((error: Error) => log.warn("could not record refusal", { error: error.name }));
}

/**
 * Issues a new code for phone+purpose and sends it. The newest code supersedes any pending one
 * (only hashes are kept, so an old code cannot be re-sent). Limits are checked and the row written
 * under a per-phone advisory lock, so concurrent sends for one number cannot both pass a limit.
 */
export async function sendOtp(
  ctx: OtpContext,
  input: { phone: string; purpose?: string } & RequestMeta,
): Promise<SendResult> {
  const { config } = ctx;
  const now = ctx.now();
  const phone = normalizePhone(config, input.phone);
  const purpose = normalizePurpose(config, input.purpose);
  const testCode = config.testNumbers.get(phone.e164);
  const code = testCode ?? generateCode(config.codeLength);
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + config.ttlSeconds * 1000);
  const ip = input.ip ?? null;

  const refusal = await ctx.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${phone.e164}))`;
    const counters = await readSendCounters(tx as Db, phone.e164, purpose, ip, now);
    const limit = checkSendLimits(config, counters, now);
    if (limit) return limit;
    await tx.verification.updateMany({
      where: { phone: phone.e164, purpose, status: "pending" },
      data: { status: "superseded", updatedAt: now },
    });
    await tx.verification.create({
      data: {
        id,
        phone: phone.e164,
        country: phone.country ?? null,
        purpose,
        codeHash: hashCode(config.secret, phone.e164, purpose, code),
        maxAttempts: config.maxAttempts,
        expiresAt,
        createdAt: now,
        updatedAt: now,
        ip,
        userAgent: input.userAgent ?? null,
        isTestNumber: testCode !== undefined,
      },
    });
    return null;
  });
  if (refusal) {
    await recordRefusal(ctx, "send", phone.e164, input);
    throw refusal;
  }

  const resendAfter = new Date(now.getTime() + config.resendCooldownSeconds * 1000);
  if (testCode !== undefined) {
    log.info("test number used", { verificationId: id, purpose });
    await ctx.db.auditEvent.create({
      data: { type: "test_number_used", phone: phone.e164, ip, userAgent: input.userAgent ?? null, data: { verificationId: id, purpose }, createdAt: now },
    });
    return { status: "sent", verificationId: id, phone: phone.e164, expiresAt, resendAfter };
  }

  const message = renderOtpMessage({ code, purpose, ttlSeconds: config.ttlSeconds }, config.sms);
  const outcome = await ctx.sms.send({ to: phone.e164, text: message.text, purpose });
  await recordSmsOutcome(ctx, id, phone.e164, message.maskedText, outcome);
  if (!outcome.ok) {
    log.warn("sms failed", { verificationId: id, attempts: outcome.attempts.length, reason: outcome.attempts.at(-1)?.errorCode });
    throw new AppError("sms_failed", "We could not send the SMS right now. Please try again in a moment.");
  }
  return { status: "sent", verificationId: id, phone: phone.e164, expiresAt, resendAfter };
}

/** Stores every provider attempt (text with the code masked) and the verification's SMS result. */
async function recordSmsOutcome(ctx: OtpContext, verificationId: string, to: string, maskedText: string, outcome: SmsSendOutcome) {
  const last = outcome.attempts.at(-1);
  if (outcome.attempts.length) {
    await ctx.db.smsMessage.createMany({
      data: outcome.attempts.map((a) => ({
        verificationId,
        provider: a.provider,
        attempt: a.attempt,
        to,
        text: maskedText,
        status: a.status,
        providerMessageId: a.providerMessageId ?? null,
        httpStatus: a.httpStatus ?? null,
        errorCode: a.errorCode ?? null,
        errorMessage: a.errorMessage?.slice(0, 500) ?? null,
        latencyMs: Math.round(a.latencyMs),
        createdAt: a.startedAt,
        updatedAt: a.startedAt,
      })),
    });
  }
  await ctx.db.verification.update({
    where: { id: verificationId },
    data: {
      smsProvider: last?.provider ?? null,
      smsStatus: outcome.ok ? "sent" : "failed",
      // A code that never reached the phone can never be used.
      ...(outcome.ok ? {} : { status: "failed" }),
      updatedAt: ctx.now(),
    },
  });
}

type VerifyRow = { id: string; status: string; attempts: number; maxAttempts: number; matched: boolean };

/**
 * Checks a code. The conditional UPDATE is the race gate: it locks the newest pending verification
 * for phone+purpose and, in the same statement, either marks it verified (right code, in time, under
 * the attempt limit), marks it expired, or counts a wrong attempt (locking at the limit). Concurrent
 * calls serialise on the row lock and re-check `status = 'pending'`, so one code verifies once.
 */
export async function verifyOtp(
  ctx: OtpContext,
  input: { phone: string; code: string; purpose?: string } & RequestMeta,
): Promise<VerifyResult> {
  const { config } = ctx;
  const now = ctx.now();
  const phone = normalizePhone(config, input.phone).e164;
  const purpose = normalizePurpose(config, input.purpose);
  const ip = input.ip ?? null;

  if (config.maxVerifyPerIpPerHour > 0 && ip) {
    const hourAgo = new Date(now.getTime() - HOUR);
    const rows = await ctx.db.$queryRaw<{ n: number; oldest: Date | null }[]>`
      SELECT count(*)::int AS n, min("createdAt") AS oldest FROM "VerifyAttempt" WHERE ip = ${ip} AND "createdAt" > ${hourAgo}::timestamp`;
    if (rows[0].n >= config.maxVerifyPerIpPerHour && rows[0].oldest) {
      await recordRefusal(ctx, "verify", phone, input);
      throw rateLimited(now, new Date(rows[0].oldest.getTime() + HOUR), "Too many verification attempts from your network.");
    }
  }

  const codeHash = hashCode(config.secret, phone, purpose, input.code);
  const token = generateToken();
  const tokenHash = hashToken(config.secret, token);
  const rows = await ctx.db.$queryRaw<VerifyRow[]>`
    WITH target AS (
      SELECT id FROM "Verification"
      WHERE phone = ${phone} AND purpose = ${purpose} AND status = 'pending'
      ORDER BY "createdAt" DESC
      LIMIT 1
      FOR UPDATE
    )
    UPDATE "Verification" v SET
      status = (CASE
        WHEN v."expiresAt" <= ${now}::timestamp THEN 'expired'
        WHEN v."codeHash" = ${codeHash} THEN 'verified'
        WHEN v.attempts + 1 >= v."maxAttempts" THEN 'locked'
        ELSE 'pending' END)::"VerificationStatus",
      attempts = CASE WHEN v."expiresAt" <= ${now}::timestamp OR v."codeHash" = ${codeHash} THEN v.attempts ELSE v.attempts + 1 END,
      "verifiedAt" = CASE WHEN v."expiresAt" > ${now}::timestamp AND v."codeHash" = ${codeHash} THEN ${now}::timestamp ELSE NULL END,
      "loginTokenHash" = CASE WHEN v."expiresAt" > ${now}::timestamp AND v."codeHash" = ${codeHash} THEN ${tokenHash} ELSE NULL END,
      "updatedAt" = ${now}::timestamp
    FROM target
    WHERE v.id = target.id
    RETURNING v.id, v.status::text AS status, v.attempts, v."maxAttempts", (v."codeHash" = ${codeHash}) AS matched`;
  const row = rows[0];
  const result = row ? row.status : await explainNoPending(ctx.db, phone, purpose);
  await ctx.db.verifyAttempt.create({
    data: { verificationId: row?.id ?? null, phone, purpose, ip, result: resultName(result), createdAt: now },
  });

  if (row?.status === "verified") {
    return { status: "verified", verificationId: row.id, phone, purpose, loginToken: `${row.id}.${token}` };
  }
  if (result === "expired") throw new AppError("expired", "This code has expired. Request a new one.");
  if (result === "locked") throw new AppError("locked", "Too many wrong codes. Request a new code.");
  if (row && row.status === "pending") {
    const attemptsLeft = row.maxAttempts - row.attempts;
    throw new AppError("invalid_code", `That code is not right. ${attemptsLeft} attempt${attemptsLeft === 1 ? "" : "s"} left.`, { attemptsLeft });
  }
  throw new AppError("not_found", "There is no active code for this number. Request a new one.");
}

function resultName(status: string): string {
  if (status === "verified") return "verified";
  if (status === "pending") return "invalid_code";
  return status; // expired | locked | not_found
}

/** No pending code: tell an expired or locked one apart from none at all (e.g. already used). */
async function explainNoPending(db: Db, phone: string, purpose: string): Promise<string> {
  const latest = await db.verification.findFirst({
    where: { phone, purpose },
    orderBy: { createdAt: "desc" },
    select: { status: true },
  });
  return latest?.status === "expired" || latest?.status === "locked" ? latest.status : "not_found";
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
  const invalid = new AppError("invalid_code", "This sign-in link is invalid or was already used. Request a new code.");
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
