/**
 * Prometheus metrics (prom-client), served at GET /api/metrics. One registry per process, kept on
 * globalThis so hot reload and several route bundles share it. Counters are per process: with
 * several instances (or Next workers) Prometheus scrapes each and sums (see docs/operations.md).
 * Labels never carry phones, IPs or ids — only small fixed sets (purpose, country, provider, rule).
 */
import client from "prom-client";

type PoolStats = () => Record<string, number> | null;
type Backlog = () => Promise<number>;

function create() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "phoneotp_process_" });
  const m = {
    registry,
    poolStats: undefined as PoolStats | undefined,
    webhookBacklog: undefined as Backlog | undefined,
    sends: new client.Counter({
      name: "phoneotp_otp_sends_total",
      help: "Send requests by outcome (sent, test_number, rate_limited, sms_failed), purpose, channel and country.",
      labelNames: ["outcome", "purpose", "channel", "country"] as const,
      registers: [registry],
    }),
    verifies: new client.Counter({
      name: "phoneotp_otp_verifies_total",
      help: "Verify requests by outcome (verified, invalid_code, expired, locked, not_found, rate_limited), purpose, channel and country.",
      labelNames: ["outcome", "purpose", "channel", "country"] as const,
      registers: [registry],
    }),
    smsAttempts: new client.Counter({
      name: "phoneotp_sms_attempts_total",
      help: "Attempts to hand an SMS to a provider, by provider and status (sent, failed).",
      labelNames: ["provider", "status"] as const,
      registers: [registry],
    }),
    smsLatency: new client.Histogram({
      name: "phoneotp_sms_attempt_duration_seconds",
      help: "Provider API latency per SMS attempt.",
      labelNames: ["provider", "status"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    rateLimited: new client.Counter({
      name: "phoneotp_rate_limit_refusals_total",
      help: "Requests refused by a rate limit, by rule (cooldown, phone_hour, phone_day, ip_hour, verify_ip_hour, …).",
      labelNames: ["rule"] as const,
      registers: [registry],
    }),
    webhookDeliveries: new client.Counter({
      name: "phoneotp_webhook_deliveries_total",
      help: "Webhook delivery attempts by outcome (success, failure), counted by the instance that made them.",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: "phoneotp_http_request_duration_seconds",
      help: "API request durations by route (ids replaced by :id), method and status.",
      labelNames: ["route", "method", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
  new client.Gauge({
    name: "phoneotp_db_pool_connections",
    help: "Database pool connections by state (total, idle, waiting = queued requests, max). PGlite: one connection.",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const stats = m.poolStats?.();
      if (!stats) return;
      for (const [state, value] of Object.entries(stats)) this.set({ state }, value);
    },
  });
  new client.Gauge({
    name: "phoneotp_webhook_backlog",
    help: "Webhook deliveries waiting for an attempt (first or retry), across all instances: the same on every scrape target.",
    registers: [registry],
    async collect() {
      if (!m.webhookBacklog) return;
      try {
        this.set(await m.webhookBacklog());
      } catch {
        // database unreachable: leave the gauge out of this scrape rather than fail the others
      }
    },
  });
  return m;
}

const g = globalThis as unknown as { __otpMetrics?: ReturnType<typeof create> };

export function metrics() {
  return (g.__otpMetrics ??= create());
}

/** The database layer reports its pool here once it is open. */
export function setPoolStats(stats: PoolStats) {
  metrics().poolStats = stats;
}

/** The job queue reports how many webhook deliveries wait (one indexed count per scrape). */
export function setWebhookBacklog(backlog: Backlog) {
  metrics().webhookBacklog = backlog;
}

const ID_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+|[\w-]{20,})$/i;

/** "/api/admin/verifications/6f1c…" → "/api/admin/verifications/:id", so routes stay a small label set. */
export function routeLabel(pathname: string): string {
  return pathname
    .split("/")
    .map((segment) => (ID_SEGMENT.test(segment) ? ":id" : segment))
    .join("/");
}

export function observeHttp(route: string, method: string, status: number, seconds: number) {
  metrics().httpDuration.observe({ route: routeLabel(route), method, status: String(status) }, seconds);
}
