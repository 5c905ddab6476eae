import "server-only";
import type { Env } from "../env";
import { cleanGatewayText, describeUnexpectedBody, failure, failureFromFetchError, readBodyLimited, secretsFor, type ProviderResult } from "./http";
import { jsonPath, parseHttpHeaders, parseHttpSuccessRule, type HttpSuccessRule } from "./http-rules";
import type { SmsMessageRequest, SmsProvider } from "./types";

export type HttpGatewayConfig = Pick<
  Env,
  "SMS_HTTP_URL" | "SMS_HTTP_METHOD" | "SMS_HTTP_HEADERS" | "SMS_HTTP_BODY" | "SMS_HTTP_SUCCESS" | "SMS_HTTP_MESSAGE_ID" | "SMS_HTTP_SENDER"
>;

type BodyKind = "json" | "form" | "text";

function bodyKind(contentType: string | undefined, template: string): BodyKind {
  const type = contentType?.toLowerCase() ?? "";
  if (type.includes("json")) return "json";
  if (type.includes("x-www-form-urlencoded")) return "form";
  if (type) return "text";
  return /^\s*[[{]/.test(template) ? "json" : "form";
}

const escapeFor: Record<BodyKind | "url", (v: string) => string> = {
  json: (v) => JSON.stringify(v).slice(1, -1),
  form: encodeURIComponent,
  url: encodeURIComponent,
  text: (v) => v,
};

/** Fills {to}, {to_digits}, {text}, {sender}, each escaped for where it lands (JSON string, form, URL). */
export function renderHttpTemplate(template: string, message: SmsMessageRequest, sender: string, kind: BodyKind | "url"): string {
  const values: Record<string, string> = { to: message.to, to_digits: message.to.replace(/^\+/, ""), text: message.text, sender };
  return template.replace(/\{(to_digits|to|text|sender)\}/g, (_, name: string) => escapeFor[kind](values[name]));
}

/** Interprets the gateway's answer against SMS_HTTP_SUCCESS; failures follow the common rules (429, 503, other 5xx). */
export function interpretHttpGatewayAnswer(
  httpStatus: number,
  body: string,
  rule: HttpSuccessRule,
  messageIdPath: string[] | undefined,
  secrets: string[] = [],
): ProviderResult {
  const p = "http";
  const at = { httpStatus };
  const is2xx = httpStatus >= 200 && httpStatus < 300;
  let parsed: unknown;
  try {
    parsed = body.trim() ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  const id = messageIdPath ? jsonPath(parsed, messageIdPath) : undefined;
  const providerMessageId = typeof id === "string" || typeof id === "number" ? String(id) : undefined;
  const ok = { provider: p, ok: true, status: "sent" as const, httpStatus, transient: false, ...(providerMessageId && { providerMessageId }) };
  if (rule.kind === "status" && (rule.status === "2xx" ? is2xx : httpStatus === rule.status)) return ok;
  if (httpStatus === 429) return failure(p, "rate_limited", `HTTP 429: ${cleanGatewayText(body, secrets).slice(0, 120) || "too many requests"}`, at);
  if (httpStatus >= 500) return failure(p, "server_error", `HTTP ${httpStatus}: ${cleanGatewayText(body, secrets).slice(0, 120) || "no body"}`, at);
  if (httpStatus === 401 || httpStatus === 403) return failure(p, "invalid_credentials", `HTTP ${httpStatus}: ${cleanGatewayText(body, secrets).slice(0, 120)}`.trim(), at);
  if (rule.kind === "json") {
    if (parsed === undefined) return failure(p, "bad_response", describeUnexpectedBody(body, httpStatus, secrets), at);
    const actual = jsonPath(parsed, rule.path);
    if (is2xx && actual !== undefined && actual !== null && String(actual) === rule.value) return ok;
    if (is2xx && (actual === undefined || actual === null)) {
      // A 2xx without the field the operator named: we cannot tell whether it was taken.
      return failure(p, "bad_response", `HTTP ${httpStatus} without ${rule.path.join(".")}: ${cleanGatewayText(body, secrets).slice(0, 120)}`, at);
    }
    const shown = typeof actual === "object" ? JSON.stringify(actual) : String(actual);
    return failure(p, "unknown", `HTTP ${httpStatus}, ${rule.path.join(".")}=${cleanGatewayText(shown ?? "", secrets).slice(0, 60)}: ${cleanGatewayText(body, secrets).slice(0, 120)}`, { ...at, ambiguous: false });
  }
  // A status rule not met: an answer other than the expected one is a refusal (a 2xx other than the one named too).
  return failure(p, "unknown", `HTTP ${httpStatus}: ${cleanGatewayText(body, secrets).slice(0, 120)}`.trim(), { ...at, ambiguous: false });
}

/**
 * Any HTTP gateway, configured without code: SMS_HTTP_URL (placeholders allowed, URL-encoded),
 * SMS_HTTP_METHOD, SMS_HTTP_HEADERS (JSON), SMS_HTTP_BODY (placeholders escaped for its content type).
 */
export function createHttpGatewayProvider(config: HttpGatewayConfig): SmsProvider {
  if (!config.SMS_HTTP_URL) throw new Error("http: SMS_HTTP_URL is required");
  const urlTemplate = config.SMS_HTTP_URL;
  const method = config.SMS_HTTP_METHOD;
  const headers = parseHttpHeaders(config.SMS_HTTP_HEADERS);
  const contentTypeKey = Object.keys(headers).find((k) => k.toLowerCase() === "content-type");
  const template = config.SMS_HTTP_BODY ?? "";
  const kind = bodyKind(contentTypeKey && headers[contentTypeKey], template);
  const defaultType = kind === "json" ? "application/json" : "application/x-www-form-urlencoded";
  const rule = parseHttpSuccessRule(config.SMS_HTTP_SUCCESS);
  const messageIdPath = config.SMS_HTTP_MESSAGE_ID?.split(".");
  const sender = config.SMS_HTTP_SENDER ?? "";
  // Credentials live in headers, the URL's query and the body template: none may reach a stored message.
  const credentials = [
    ...Object.values(headers),
    ...Object.values(headers).flatMap((h) => h.split(/\s+/)),
    ...[...new URL(urlTemplate.replace(/\{[a-z_]+\}/g, "x")).searchParams.values()],
    ...(template.match(/[A-Za-z0-9_\-+/.]{8,}={0,2}/g) ?? []).filter((t) => /\d/.test(t) && /[A-Za-z]/.test(t)),
  ];
  return {
    name: "http",
    async send(message, signal) {
      const secrets = secretsFor(message, credentials);
      const hasBody = method !== "GET" && template !== "";
      try {
        const res = await fetch(renderHttpTemplate(urlTemplate, message, sender, "url"), {
          method,
          headers: { Accept: "application/json, text/plain, */*", ...(hasBody && !contentTypeKey && { "Content-Type": defaultType }), ...headers },
          ...(hasBody && { body: renderHttpTemplate(template, message, sender, kind) }),
          signal,
        });
        const body = await readBodyLimited(res);
        return interpretHttpGatewayAnswer(res.status, body, rule, messageIdPath, secrets);
      } catch (error) {
        return failureFromFetchError("http", error, signal);
      }
    },
  };
}
