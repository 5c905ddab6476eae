import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "./api/errors";

/**
 * GET /api/metrics is off (404, as if absent) while METRICS_TOKEN is unset, so a deploy that forgot
 * it exposes nothing; with it set, a missing or wrong bearer token is 401.
 */
export function checkMetricsToken(expected: string | undefined, authorization: string | null): void {
  if (!expected) throw new AppError("not_found", "There is no API at /api/metrics. See /api/openapi.json.");
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1] ?? "";
  const digest = (value: string) => createHash("sha256").update(value).digest();
  if (!given || !timingSafeEqual(digest(given), digest(expected))) {
    throw new AppError("unauthorized", "Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.");
  }
}
