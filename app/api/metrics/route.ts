import { errorResponse, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { env } from "@/lib/env";
import { metrics } from "@/lib/metrics";
import { checkMetricsToken } from "@/lib/metrics-auth";

export const dynamic = "force-dynamic";

// GET /api/metrics – Prometheus text format for this process; bearer METRICS_TOKEN (404 while unset).
export const GET = withApi(async ({ req }) => {
  try {
    checkMetricsToken(env().METRICS_TOKEN, req.headers.get("authorization"));
  } catch (error) {
    const res = errorResponse(error, "/api/metrics");
    if (res.status === 401) res.headers.set("WWW-Authenticate", 'Bearer realm="metrics"');
    return res;
  }
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
