/**
 * The bot challenge on send (docs/abuse.md): ALTCHA proof of work by default (self-hosted, no third
 * party), or Cloudflare Turnstile / hCaptcha through their siteverify endpoint. Solutions are
 * single-use across instances (otp_use_challenge) and expire after OTP_CHALLENGE_TTL_SECONDS.
 */
import { createHash } from "node:crypto";
import { createChallenge, extractParams, verifySolution } from "altcha-lib/v1";
import type { Payload } from "altcha-lib/v1/types";
import { AppError } from "../api/errors";
import { apiMessage } from "../api/messages";
import { log } from "../log";
import type { ParsedPhone } from "../phone";
import type { ChallengeConfig } from "./config";
import { riskReason } from "./guard";
import type { OtpContext } from "./service";

export type ChallengeResponse =
  | { provider: ChallengeConfig["provider"]; mode: "off" }
  | { provider: "altcha"; mode: "adaptive" | "always"; algorithm: string; challenge: string; maxnumber?: number; salt: string; signature: string }
  | { provider: "turnstile" | "hcaptcha"; mode: "adaptive" | "always"; siteKey: string; scriptUrl: string };

/** What GET /api/otp/challenge answers: a fresh ALTCHA challenge, or the widget's site key. */
export async function createBotChallenge(config: ChallengeConfig, now: Date): Promise<ChallengeResponse> {
  if (config.mode === "off") return { provider: config.provider, mode: "off" };
  if (config.provider !== "altcha") {
    return { provider: config.provider, mode: config.mode, siteKey: config.siteKey ?? "", scriptUrl: config.scriptUrl };
  }
  const challenge = await createChallenge({
    hmacKey: config.hmacKey,
    maxNumber: config.maxNumber,
    expires: new Date(now.getTime() + config.ttlSeconds * 1000),
  });
  return { provider: "altcha", mode: config.mode, ...challenge };
}

function required(): AppError {
  const message = { key: "challengeRequired" } as const;
  return new AppError("challenge_required", message, { fields: { challenge: apiMessage("en", message) } });
}

/**
 * Asks for a solved challenge when OTP_CHALLENGE says so for this send: always, or (adaptive) while
 * risk is elevated (see riskReason), except for a send the guard refuses anyway. Throws challenge_required (400) when it is missing, wrong,
 * expired or already used. A challenge sent when none is needed is ignored.
 */
export async function checkBotChallenge(
  ctx: OtpContext,
  input: { phone: ParsedPhone; ip: string | null; challenge?: string },
): Promise<void> {
  const config = ctx.config.challenge;
  if (config.mode === "off") return;
  if (config.mode === "adaptive") {
    const reason = await riskReason(ctx, input.phone, input.ip);
    // "refused": the guard answers 403 blocked next; a solved challenge would buy nothing.
    if (reason === null || reason === "refused") return;
  }
  if (!input.challenge) throw required();
  const ok = config.provider === "altcha" ? await checkAltcha(ctx, input.challenge) : await checkSiteverify(config, input.challenge, input.ip);
  if (!ok) throw required();
}


async function checkAltcha(ctx: OtpContext, solution: string): Promise<boolean> {
  const { challenge } = ctx.config;
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(solution, "base64").toString("utf8"));
  } catch {
    return false;
  }
  if (typeof payload !== "object" || payload === null || typeof payload.signature !== "string" || typeof payload.salt !== "string") return false;
  // Expiry against the context's clock (altcha-lib's own check reads the wall clock).
  const expires = Number(extractParams(payload).expires);
  const now = ctx.now();
  if (!Number.isFinite(expires) || expires * 1000 <= now.getTime()) return false;
  if (!(await verifySolution(payload, challenge.hmacKey, false))) return false;
  // Single use: the first use of this signature wins, on any instance.
  const key = createHash("sha256").update(payload.signature).digest("hex");
  const [row] = await ctx.db.$queryRaw<{ fresh: boolean }[]>`
    SELECT otp_use_challenge(${key}, ${new Date(expires * 1000)}::timestamp, ${now}::timestamp) AS fresh`;
  return row.fresh;
}

/** Turnstile and hCaptcha share one siteverify contract: POST secret + response → { success }. */
async function checkSiteverify(config: ChallengeConfig, token: string, ip: string | null): Promise<boolean> {
  const body = new URLSearchParams({ secret: config.secret ?? "", response: token });
  if (ip) body.set("remoteip", ip);
  if (config.provider === "hcaptcha" && config.siteKey) body.set("sitekey", config.siteKey);
  try {
    const res = await fetch(config.verifyUrl, { method: "POST", body, signal: AbortSignal.timeout(5_000) });
    const data = (await res.json().catch(() => null)) as { success?: unknown } | null;
    return res.ok && data?.success === true;
  } catch (error) {
    // Fail closed: while the provider is unreachable, sends that need a challenge are refused.
    log.warn("challenge verify failed", { provider: config.provider, error: (error as Error).name });
    return false;
  }
}
