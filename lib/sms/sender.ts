import "server-only";
import type { Env } from "../env";
import { log } from "../log";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { createAfricasTalkingProvider, type AfricasTalkingConfig } from "./africastalking";
import { createConsoleProvider, type ConsoleProviderConfig } from "./console";
import { failure, type ProviderResult } from "./http";
import { createHttpGatewayProvider, type HttpGatewayConfig } from "./http-gateway";
import { createMshastraProvider, type MshastraConfig } from "./mshastra";
import { parseSmsRoutes, routeFor } from "./routes";
import { createTwilioProvider, type TwilioConfig } from "./twilio";
import type { SmsAttempt, SmsMessageRequest, SmsProvider, SmsProviderName, SmsSender, SmsSendOutcome } from "./types";

export type SmsProvidersConfig = Pick<Env, "SMS_PROVIDER" | "SMS_ROUTES"> &
  ConsoleProviderConfig &
  MshastraConfig &
  TwilioConfig &
  AfricasTalkingConfig &
  HttpGatewayConfig;
export type SmsRetryConfig = Pick<Env, "SMS_TIMEOUT_MS" | "SMS_MAX_RETRIES" | "SMS_RETRY_BASE_MS" | "SMS_FAILOVER_ON_AMBIGUOUS">;
/** Everything createSmsSender reads; `env()` satisfies it. */
export type SmsSenderConfig = SmsProvidersConfig & SmsRetryConfig;

export type SmsSenderOptions = {
  /** Replaces the providers built from SMS_PROVIDER (same order = failover order; SMS_ROUTES then ignored). */
  providers?: SmsProvider[];
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  random?: () => number;
};

/** No single backoff waits longer than this (unless SMS_RETRY_BASE_MS itself is larger). */
export const MAX_BACKOFF_MS = 10_000;

function createProvider(config: SmsProvidersConfig, name: string): SmsProvider {
  switch (name) {
    case "console":
      return createConsoleProvider(config);
    case "mshastra":
      return createMshastraProvider(config);
    case "twilio":
      return createTwilioProvider(config);
    case "africastalking":
      return createAfricasTalkingProvider(config);
    case "http":
      return createHttpGatewayProvider(config);
    default:
      throw new Error(`SMS_PROVIDER: unknown provider '${name}'`);
  }
}

/** The providers named in SMS_PROVIDER, in that order. Throws on an unknown name or a refused console. */
export function createProvidersFromEnv(config: SmsProvidersConfig): SmsProvider[] {
  if (config.SMS_PROVIDER.length === 0) throw new Error("SMS_PROVIDER: list at least one provider");
  return config.SMS_PROVIDER.map((name) => createProvider(config, name));
}

/** Provider order per destination: SMS_ROUTES for the number's country, else `*`, else SMS_PROVIDER. */
export type ProviderRouter = (message: SmsMessageRequest) => SmsProvider[];

export function createRouterFromEnv(config: SmsProvidersConfig): ProviderRouter {
  const fallback = createProvidersFromEnv(config);
  const routes = config.SMS_ROUTES ? parseSmsRoutes(config.SMS_ROUTES) : new Map<string, SmsProviderName[]>();
  if (routes.size === 0) return () => fallback;
  const byName = new Map<string, SmsProvider>(fallback.map((p) => [p.name, p]));
  for (const name of new Set([...routes.values()].flat())) if (!byName.has(name)) byName.set(name, createProvider(config, name));
  const resolved = new Map([...routes].map(([country, names]) => [country, names.map((n) => byName.get(n)!)]));
  return (message) => routeFor(resolved, message.country ?? parsePhoneNumberFromString(message.to)?.country, fallback);
}

/** Delay before retry number `retry` (1-based): base·2^(retry-1), plus up to 20 % jitter, capped. */
export function backoffMs(retry: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** (retry - 1);
  const capped = Math.min(exponential, Math.max(MAX_BACKOFF_MS, baseMs));
  return Math.round(capped * (1 + 0.2 * random()));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** "+255712345678" → "+2557******78": enough to follow a number through the log, not to read it. */
function maskPhone(to: string): string {
  return to.length > 6 ? `${to.slice(0, 5)}${"*".repeat(to.length - 7)}${to.slice(-2)}` : "***";
}

/**
 * One provider attempt bounded by the timeout. The race matters: a provider that ignores the abort
 * signal (or a gateway that never answers) still yields a failed "timeout" attempt on time.
 */
async function runAttempt(provider: SmsProvider, message: SmsMessageRequest, timeoutMs: number): Promise<ProviderResult> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<ProviderResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new DOMException("SMS provider timeout", "TimeoutError"));
      resolve(failure(provider.name, "timeout", `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([
      // Promise.resolve().then(): a provider that throws synchronously is caught the same way.
      Promise.resolve()
        .then(() => provider.send(message, controller.signal))
        .catch((error: unknown) => {
          // The contract says providers never throw; if one does, record it and move on.
          if (controller.signal.aborted) return failure(provider.name, "timeout", `no answer within ${timeoutMs} ms`);
          log.error("sms provider threw", { provider: provider.name, error: (error as Error)?.name ?? typeof error });
          return failure(provider.name, "unknown", "provider error", { transient: false });
        }),
      timedOut,
    ]);
    return result.errorCode === "timeout" ? { ...result, errorMessage: `no answer within ${timeoutMs} ms` } : result;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The sender the OTP engine uses. Each attempt is bounded by SMS_TIMEOUT_MS. Only failures that
 * prove the gateway did not take the message (refused, DNS, 503, 429, a gateway "not sent" code)
 * are retried, at most SMS_MAX_RETRIES times per provider with exponential backoff. An unconfirmed
 * attempt (timeout, reset after writing, other 5xx, unreadable 2xx) is never retried: it ends the
 * send, or moves to the next provider only with SMS_FAILOVER_ON_AMBIGUOUS. A definite refusal moves
 * on to the next provider. Stops at the first success; never throws for gateway failures.
 */
export function createSmsSender(config: SmsSenderConfig, opts: SmsSenderOptions = {}): SmsSender {
  const route: ProviderRouter = opts.providers ? () => opts.providers! : createRouterFromEnv(config);
  if (opts.providers?.length === 0) throw new Error("createSmsSender: no SMS provider");
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? (() => new Date());
  const random = opts.random ?? Math.random;

  return {
    async send(message: SmsMessageRequest): Promise<SmsSendOutcome> {
      const attempts: SmsAttempt[] = [];
      let unconfirmed = false;
      for (const provider of route(message)) {
        for (let attempt = 1; attempt <= config.SMS_MAX_RETRIES + 1; attempt++) {
          if (attempt > 1) await sleep(backoffMs(attempt - 1, config.SMS_RETRY_BASE_MS, random));
          const startedAt = now();
          const t0 = performance.now();
          const result = await runAttempt(provider, message, config.SMS_TIMEOUT_MS);
          const latencyMs = Math.round(performance.now() - t0);
          const recorded: SmsAttempt = { ...result, provider: provider.name, attempt, latencyMs, startedAt };
          attempts.push(recorded);
          const fields = {
            provider: provider.name,
            attempt,
            to: maskPhone(message.to),
            purpose: message.purpose,
            status: recorded.status,
            httpStatus: recorded.httpStatus,
            errorCode: recorded.errorCode,
            latencyMs,
          };
          if (recorded.ok) {
            log.info("sms sent", fields);
            return { ok: true, status: "sent", attempts };
          }
          if (recorded.status === "unconfirmed") {
            log.warn("sms attempt unconfirmed", { ...fields, failover: config.SMS_FAILOVER_ON_AMBIGUOUS });
            unconfirmed = true;
            if (!config.SMS_FAILOVER_ON_AMBIGUOUS) return { ok: false, status: "unconfirmed", attempts };
            break;
          }
          log.warn("sms attempt failed", { ...fields, transient: recorded.transient });
          if (!recorded.transient) break;
        }
      }
      return { ok: false, status: unconfirmed ? "unconfirmed" : "failed", attempts };
    },
  };
}
