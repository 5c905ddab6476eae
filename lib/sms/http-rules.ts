/** Parsing of the generic HTTP gateway's settings; shared by lib/env (start-up checks) and the provider. */

/** What counts as "the gateway took it": a status code (200, 2xx), or a JSON path and its value on a 2xx. */
export type HttpSuccessRule = { kind: "status"; status: number | "2xx" } | { kind: "json"; path: string[]; value: string };

/** "2xx", "201" or "messages.0.status=0". Throws a one-line message on anything else. */
export function parseHttpSuccessRule(value: string): HttpSuccessRule {
  const v = value.trim();
  if (/^2xx$/i.test(v)) return { kind: "status", status: "2xx" };
  if (/^[1-5]\d\d$/.test(v)) return { kind: "status", status: Number(v) };
  const m = /^([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)\s*=\s*(.*)$/.exec(v);
  if (!m) throw new Error(`SMS_HTTP_SUCCESS: '${v}' is neither a status code (200, 2xx) nor a JSON path and value (messages.0.status=0)`);
  return { kind: "json", path: m[1].split("."), value: m[2].trim().replace(/^"(.*)"$/, "$1") };
}

/** SMS_HTTP_HEADERS: a JSON object of header names to string values. Throws a one-line message otherwise. */
export function parseHttpHeaders(value: string | undefined): Record<string, string> {
  if (!value) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`SMS_HTTP_HEADERS: must be a JSON object, e.g. {"Authorization":"Bearer …"}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || Object.values(parsed).some((h) => typeof h !== "string")) {
    throw new Error(`SMS_HTTP_HEADERS: must be a JSON object of string values, e.g. {"Authorization":"Bearer …"}`);
  }
  return parsed as Record<string, string>;
}

export function jsonPath(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

