import "server-only";
import type { Env } from "../env";
import { cleanGatewayText, describeUnexpectedBody, failure, failureFromFetchError, readBodyLimited, secretsFor, type ProviderResult } from "./http";
import type { SmsErrorCode, SmsProvider } from "./types";

export type MshastraConfig = Pick<Env, "MSHASTRA_API_URL" | "MSHASTRA_USER" | "MSHASTRA_PASSWORD" | "MSHASTRA_SENDER">;
export type MshastraDlrConfig = Pick<Env, "MSHASTRA_DLR_URL" | "MSHASTRA_USER" | "MSHASTRA_PASSWORD">;

/** Text answers seen in public integrations, matched on a normalised form (lower case, single spaces, no trailing dot). */
const TEXT_REASONS: [RegExp, SmsErrorCode][] = [
  [/^invalid password/, "invalid_credentials"],
  [/^invalid (user|username|profile id)/, "invalid_credentials"],
  [/^profile id expired/, "invalid_credentials"],
  [/^no more credits?/, "insufficient_credit"],
  [/^invalid mobile( no| number)?/, "invalid_number"],
  [/^profile id blocked/, "account_blocked"],
  [/^country not activated/, "country_not_enabled"],
  [/^whitelist ip address/, "ip_not_whitelisted"],
];

/** Numeric answers (with showerror "C"): code → reason and the gateway's documented meaning. */
const NUMERIC_REASONS: Record<string, [SmsErrorCode, string]> = {
  "001": ["invalid_number", "invalid receiver"],
  "003": ["invalid_message", "invalid message"],
  "005": ["invalid_credentials", "authorization failed"],
  "006": ["dnd_number", "DND number"],
  "007": ["invalid_number", "cannot extract country code"],
  "008": ["invalid_number", "empty receiver"],
  "009": ["account_blocked", "profile blocked"],
  "010": ["invalid_credentials", "invalid profile id"],
  "011": ["invalid_credentials", "profile id expired"],
  "012": ["sender_invalid", "sender id over 13 characters"],
  "013": ["server_error", "server error"],
};

function normalise(answer: string): string {
  return answer.toLowerCase().replace(/\s+/g, " ").trim().replace(/[.!]+$/, "");
}

function isSuccessAnswer(normalised: string): boolean {
  return normalised === "send successful" || normalised === "000" || normalised === "0";
}

/** The reason for a gateway answer other than success; `undefined` when unknown. */
export function mshastraReason(answer: string): { errorCode: SmsErrorCode; description?: string } | undefined {
  const n = normalise(answer);
  if (/^\d{1,3}$/.test(n)) {
    const hit = NUMERIC_REASONS[n.padStart(3, "0")];
    return hit && { errorCode: hit[0], description: hit[1] };
  }
  const hit = TEXT_REASONS.find(([re]) => re.test(n));
  return hit && { errorCode: hit[1] };
}

/**
 * Turns mShastra's HTTP answer into one attempt result. Success ONLY for a 2xx JSON array whose
 * object says "Send Successful" (or "000") and carries a msg_id: the seed trusted any JSON, so a
 * wrong password looked like a sent code.
 */
export function interpretMshastraAnswer(httpStatus: number, body: string, secrets: string[] = []): ProviderResult {
  const p = "mshastra";
  const at = { httpStatus };
  if (httpStatus === 429) return failure(p, "rate_limited", `HTTP 429: ${cleanGatewayText(body, secrets).slice(0, 120) || "too many requests"}`, at);
  if (httpStatus >= 500) return failure(p, "server_error", `HTTP ${httpStatus}: ${cleanGatewayText(body, secrets).slice(0, 120) || "no body"}`, at);

  let parsed: unknown;
  try {
    parsed = body.trim() ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || parsed === null || typeof parsed !== "object") {
    return failure(p, "bad_response", describeUnexpectedBody(body, httpStatus, secrets), { ...at, transient: false });
  }
  const isArray = Array.isArray(parsed);
  const entry = (isArray ? (parsed as unknown[])[0] : parsed) as Record<string, unknown> | undefined;
  const raw = entry && typeof entry === "object" ? (entry.str_response ?? entry.response ?? entry.error) : undefined;
  if (typeof raw !== "string" && typeof raw !== "number") {
    return failure(p, "bad_response", `unexpected JSON answer (HTTP ${httpStatus}): ${cleanGatewayText(body, secrets).slice(0, 120)}`, { ...at, transient: false });
  }
  const answer = String(raw);
  const words = cleanGatewayText(answer, secrets);
  if (isSuccessAnswer(normalise(answer))) {
    const msgId = entry?.msg_id;
    const hasId = (typeof msgId === "string" && msgId.trim() !== "") || typeof msgId === "number";
    if (isArray && hasId && httpStatus >= 200 && httpStatus < 300) {
      return { provider: p, ok: true, status: "sent", providerMessageId: String(msgId).trim(), httpStatus, transient: false };
    }
    // Unconfirmed, not retried: the gateway says it sent, and a retry could send it twice.
    const why = !hasId ? "without a msg_id" : !isArray ? "not as a JSON array" : `with HTTP ${httpStatus}`;
    return failure(p, "bad_response", `'${words}' ${why}`, { ...at, ambiguous: true });
  }
  const reason = mshastraReason(answer);
  if (!reason) return failure(p, "unknown", words || "(blank str_response)", { ...at, transient: false });
  return failure(p, reason.errorCode, reason.description ? `${words} (${reason.description})` : words, at);
}

/** mShastra's JSON API: POST [{ user, pwd, number, sender, msg, language: "Unicode" }], number without "+". */
export function createMshastraProvider(config: MshastraConfig): SmsProvider {
  const { MSHASTRA_API_URL: url, MSHASTRA_USER: user, MSHASTRA_PASSWORD: pwd, MSHASTRA_SENDER: sender } = config;
  if (!user || !pwd || !sender) throw new Error("mshastra: MSHASTRA_USER, MSHASTRA_PASSWORD and MSHASTRA_SENDER are required");
  return {
    name: "mshastra",
    async send(message, signal) {
      const secrets = secretsFor(message, [user, pwd]);
      const payload = [{ user, pwd, number: message.to.replace(/^\+/, ""), sender, msg: message.text, language: "Unicode" }];
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(payload),
          signal,
        });
        const body = await readBodyLimited(res);
        return interpretMshastraAnswer(res.status, body, secrets);
      } catch (error) {
        return failureFromFetchError("mshastra", error, signal);
      }
    },
  };
}

export type MshastraDeliveryStatus = {
  messageId: string;
  /** "sent" = still pending at the gateway. */
  status: "delivered" | "undelivered" | "sent";
  /** The gateway's word, e.g. DELIVRD, EXPIRED. */
  rawStatus: string;
  /** DLR_Time when it names its time zone (ISO 8601 with Z or an offset); otherwise undefined. */
  at?: Date;
};

export class MshastraDlrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MshastraDlrError";
  }
}

const DLR_STATUS: Record<string, MshastraDeliveryStatus["status"]> = {
  DELIVERED: "delivered",
  DELIVRD: "delivered",
  PENDING: "sent",
  ENROUTE: "sent",
  ACCEPTED: "sent",
  ACKED: "sent",
  SUBMITTED: "sent",
  EXPIRED: "undelivered",
  FAILED: "undelivered",
  REJECTED: "undelivered",
  REJECTD: "undelivered",
  UNDELIV: "undelivered",
  UNDELIVERED: "undelivered",
  DELETED: "undelivered",
};

/** Parses the DLR answer: one `message_id,DLR_Status,DLR_Time` line per message (a header line is skipped). */
export function parseMshastraDlrAnswer(body: string): MshastraDeliveryStatus[] {
  const out: MshastraDeliveryStatus[] = [];
  for (const line of body.split(/\r?\n/)) {
    const [id, rawStatus, ...timeParts] = line.split(",").map((s) => s.trim().replace(/^"|"$/g, ""));
    if (!id || !rawStatus || /^message_?id$/i.test(id)) continue;
    const status = DLR_STATUS[rawStatus.toUpperCase()];
    if (!status) continue;
    const time = timeParts.join(",").trim();
    const at = /(Z|[+-]\d{2}:?\d{2})$/.test(time) ? new Date(time) : undefined;
    out.push({ messageId: id, status, rawStatus: rawStatus.toUpperCase(), ...(at && !Number.isNaN(at.getTime()) && { at }) });
  }
  return out;
}

export const MSHASTRA_DLR_BATCH = 50;

/**
 * Asks mShastra for the delivery status of up to MSHASTRA_DLR_BATCH message ids.
 * The request format is our best reading of the gateway (no public specification): a form POST of
 * `user`, `pwd` and `msgid` (ids joined by commas) to MSHASTRA_DLR_URL. POST keeps the password out
 * of URLs and access logs. Throws MshastraDlrError (no credentials in it) when the query fails.
 */
export async function queryMshastraDeliveryStatus(
  config: MshastraDlrConfig,
  messageIds: string[],
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<MshastraDeliveryStatus[]> {
  if (!config.MSHASTRA_DLR_URL) throw new MshastraDlrError("MSHASTRA_DLR_URL is not set");
  if (!config.MSHASTRA_USER || !config.MSHASTRA_PASSWORD) throw new MshastraDlrError("MSHASTRA_USER and MSHASTRA_PASSWORD are required");
  if (messageIds.length === 0) return [];
  if (messageIds.length > MSHASTRA_DLR_BATCH) throw new MshastraDlrError(`at most ${MSHASTRA_DLR_BATCH} ids per query`);
  const secrets = secretsFor(undefined, [config.MSHASTRA_USER, config.MSHASTRA_PASSWORD]);
  const signal = opts.signal ?? AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  let res: Response;
  let body: string;
  try {
    res = await fetch(config.MSHASTRA_DLR_URL, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/plain, text/csv, */*" },
      body: new URLSearchParams({ user: config.MSHASTRA_USER, pwd: config.MSHASTRA_PASSWORD, msgid: messageIds.join(",") }),
      signal,
    });
    body = await readBodyLimited(res);
  } catch (error) {
    const r = failureFromFetchError("mshastra", error, signal);
    throw new MshastraDlrError(`delivery-status query failed: ${r.errorMessage}`);
  }
  if (!res.ok) throw new MshastraDlrError(`delivery-status query failed: HTTP ${res.status} ${cleanGatewayText(body, secrets).slice(0, 120)}`.trim());
  const wanted = new Set(messageIds);
  return parseMshastraDlrAnswer(body).filter((s) => wanted.has(s.messageId));
}
