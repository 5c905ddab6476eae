/**
 * No cross-site sends: a browser on another website must not be able to make its visitors' browsers
 * send (or verify) codes here — a distributed SMS pump that no per-IP limit can stop. Browsers tell
 * us where a request comes from (Sec-Fetch-Site, Origin); servers calling the API send neither, and
 * pass. Each route handler calls one function of this module in one line.
 */
import "server-only";
import { recordRefusal } from "../audit/refusals";
import { getDb } from "../db";
import { env } from "../env";
import { log } from "../log";
import { AppError } from "./errors";
import { json } from "./handler";
import { asMethodRefusal, isMethodRefusal } from "./methods";

type Verdict = { rule: "cross_site" | "origin"; origin: string | null } | null;

/** ALLOWED_ORIGINS, else the origin of NEXTAUTH_URL, else (development) the request's own origin. */
export function allowedOrigins(req: Request): string[] {
  const config = env();
  if (config.ALLOWED_ORIGINS.length) return config.ALLOWED_ORIGINS;
  return [config.NEXTAUTH_URL ? new URL(config.NEXTAUTH_URL).origin : new URL(req.url).origin];
}

/** Why this request is refused as cross-site, or null. A request without Origin (server to server) passes. */
export function crossSiteVerdict(req: Request): Verdict {
  const origin = req.headers.get("origin")?.trim() || null;
  if (origin !== null && !allowedOrigins(req).includes(origin.toLowerCase())) return { rule: "origin", origin };
  if (req.headers.get("sec-fetch-site")?.trim().toLowerCase() === "cross-site") return { rule: "cross_site", origin };
  return null;
}

async function record(req: Request, verdict: NonNullable<Verdict>) {
  try {
    await recordRefusal(await getDb(), {
      type: "cross_site",
      rule: verdict.rule,
      key: verdict.origin ?? "(no Origin header)",
      keyKind: "other",
      userAgent: req.headers.get("user-agent"),
      at: new Date(),
    });
  } catch (error) {
    log.warn("could not record refusal", { rule: verdict.rule, error: (error as Error).name });
  }
}

/** Native API: throws 403 cross_site for a cross-site browser request (recorded, aggregated). */
export async function refuseCrossSite(req: Request): Promise<void> {
  const verdict = crossSiteVerdict(req);
  if (!verdict) return;
  await record(req, verdict);
  throw new AppError("cross_site", { key: "crossSite" });
}

/** With SEED_ROUTES=off the seed's routes do not exist: the API's JSON 404, like any unknown path. */
function seedRoutesClosed(req: Request): Response {
  const error = new AppError("not_found", { key: "noApi", values: { path: new URL(req.url).pathname.slice(0, 200) } });
  return json(error.toBody(), { status: error.status });
}

/**
 * The seed's POST routes: closed by SEED_ROUTES=off, and cross-site requests refused with the 403
 * Django answers for a failed CSRF origin check ({"detail": "CSRF Failed: …"}).
 */
export function seedRoute(handler: (req: Request) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    if (!env().SEED_ROUTES) return seedRoutesClosed(req);
    const verdict = crossSiteVerdict(req);
    if (!verdict) return handler(req);
    await record(req, verdict);
    const detail =
      verdict.rule === "origin"
        ? `CSRF Failed: Origin checking failed - ${verdict.origin!.slice(0, 200)} does not match any trusted origins.`
        : "CSRF Failed: Cross-site request refused.";
    return json({ detail }, { status: 403 });
  };
}

/** The seed routes' other methods (405 stand-ins): 404 as well once SEED_ROUTES=off. */
export function seedRoutes<T extends Record<string, (req: Request) => Promise<Response>>>(handlers: T): T {
  return Object.fromEntries(
    Object.entries(handlers).map(([method, handler]) => {
      const wrapped = async (req: Request) => (env().SEED_ROUTES ? handler(req) : seedRoutesClosed(req));
      return [method, isMethodRefusal(handler) ? asMethodRefusal(wrapped) : wrapped];
    }),
  ) as T;
}
