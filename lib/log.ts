/**
 * Structured one-line JSON logs. Callers pass only non-secret fields; as a second guard, keys that
 * look like secrets are redacted before anything is written.
 */
import { env } from "./env";

const SECRET_KEY = /code|otp|hash|secret|password|pwd|token|authorization|cookie/i;
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

function threshold(): number {
  try {
    return LEVELS[env().LOG_LEVEL];
  } catch {
    return LEVELS.info; // configuration errors are reported elsewhere; logging must still work
  }
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = SECRET_KEY.test(key) && key !== "errorCode" ? "[redacted]" : value;
  return out;
}

function write(level: Level, msg: string, fields: Record<string, unknown> = {}) {
  if (LEVELS[level] < threshold()) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...redact(fields) });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
