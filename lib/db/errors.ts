/**
 * What went wrong with the database, in one line and without query values: Prisma's driver-adapter
 * errors carry the reason in `meta.driverAdapterError.cause` and start their message with a newline.
 */
type AdapterCause = { kind?: string; originalCode?: string; originalMessage?: string; host?: string; port?: number; db?: string };

function adapterCause(error: unknown): AdapterCause | undefined {
  const e = error as { meta?: { driverAdapterError?: { cause?: AdapterCause } }; cause?: AdapterCause } | null;
  return e?.meta?.driverAdapterError?.cause ?? (e?.cause && typeof e.cause === "object" ? e.cause : undefined);
}

/** Connection-level failures: the database is down, missing or refusing us — not a bug in a query. */
const UNAVAILABLE_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "DatabaseAccessDenied",
  "AuthenticationFailed",
  "TooManyConnections",
  "ConnectionClosed",
  "SocketTimeout",
  "TlsConnectionError",
]);
const UNAVAILABLE_CODES = new Set([
  "P1001", "P1002", "P1003", "P1017", "P2024",
  "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT",
  "57P01", "57P03", "3D000", "28P01", "28000", "53300",
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  const cause = adapterCause(error);
  if (cause?.kind && UNAVAILABLE_KINDS.has(cause.kind)) return true;
  if (cause?.originalCode && UNAVAILABLE_CODES.has(cause.originalCode)) return true;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  return /can't reach database|ECONNREFUSED|Connection terminated|connect ETIMEDOUT|timeout exceeded when trying to connect/i.test(
    e.message ?? "",
  );
}

/** e.g. "DatabaseNotReachable (127.0.0.1:5999)" or "DatabaseDoesNotExist 3D000: database \"x\" does not exist". */
export function describeDatabaseError(error: unknown): string {
  const cause = adapterCause(error);
  if (cause?.kind) {
    const where = cause.host ? ` (${cause.host}${cause.port ? `:${cause.port}` : ""})` : "";
    const detail = cause.originalMessage ? `: ${cause.originalMessage.split("\n")[0].slice(0, 200)}` : "";
    return `${cause.kind}${cause.originalCode ? ` ${cause.originalCode}` : ""}${where}${detail}`;
  }
  const e = error as { name?: string; code?: string; message?: string } | null;
  const message = (e?.message ?? String(error)).trim().split("\n")[0].slice(0, 200);
  return [e?.name, e?.code, message].filter(Boolean).join(": ");
}
