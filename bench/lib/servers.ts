/**
 * Starting the systems under test: the product (`next start` on the production build), the raw
 * floor (node:http + pg) and the framework floor (`next start` on bench/floor-next), plus the fake
 * gateway. Every server gets a clean environment: only what is set here, nothing inherited.
 */
import path from "node:path";
import { NEXT_BIN, ROOT } from "./build";
import { startProcess, waitForHttp, type Proc } from "./procs";

export const SECRETS = {
  OTP_SECRET: "bench-otp-secret-0123456789abcdef0123456789abcdef",
  NEXTAUTH_SECRET: "bench-nextauth-secret-0123456789abcdef0123456789",
};

function baseEnv(extra: Record<string, string>): Record<string, string> {
  const keep = ["PATH", "HOME", "LANG", "TZ", "TMPDIR"];
  const env: Record<string, string> = { NEXT_TELEMETRY_DISABLED: "1" };
  for (const k of keep) if (process.env[k]) env[k] = process.env[k]!;
  return { ...env, ...extra };
}

export type Gateway = { url: string; proc: Proc; setMode(mode: string, delayMs?: number): Promise<void>; stats(): Promise<GatewayStats> };
export type GatewayStats = { mode: string; smsRequests: number; smsOk: number; smsFailed: number; inFlight: number; peakInFlight: number };

export async function startGateway(logDir: string): Promise<Gateway> {
  let resolvePort: (p: number) => void;
  const port = new Promise<number>((r) => (resolvePort = r));
  const proc = startProcess("fake-mshastra", process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "fake-mshastra.ts"), "--port", "0"], {
    cwd: ROOT,
    env: baseEnv({}),
    logDir,
    onStdout: (line) => {
      const m = /"port":(\d+)/.exec(line);
      if (m) resolvePort(Number(m[1]));
    },
  });
  const timeout = setTimeout(() => resolvePort(-1), 30_000);
  const p = await Promise.race([port, proc.exited.then(() => -1)]);
  clearTimeout(timeout);
  if (p < 0) throw new Error(`fake gateway did not start (see ${proc.logFile})`);
  const url = `http://127.0.0.1:${p}`;
  return {
    url,
    proc,
    async setMode(mode, delayMs) {
      const res = await fetch(`${url}/mode`, { method: "POST", body: JSON.stringify({ mode, delayMs, resetPeak: true }) });
      if (!res.ok) throw new Error(`gateway /mode: HTTP ${res.status}`);
      await res.arrayBuffer();
    },
    async stats() {
      return (await (await fetch(`${url}/stats`)).json()) as GatewayStats;
    },
  };
}

export type Server = { name: string; url: string; proc: Proc; bootMs: number };

export type ProductOptions = {
  buildDir: string;
  port: number;
  databaseUrl: string;
  gatewayUrl: string;
  logDir: string;
  name: string;
  /** Extra variables, e.g. SMS_TIMEOUT_MS for the fault run. */
  env?: Record<string, string>;
  nodeOptions?: string;
  /** Flags for node itself, before next's bin (--cpu-prof is refused in NODE_OPTIONS). */
  nodeArgs?: string[];
};

export function productEnv(o: ProductOptions): Record<string, string> {
  return baseEnv({
    NODE_ENV: "production",
    PORT: String(o.port),
    ...SECRETS,
    NEXTAUTH_URL: `http://127.0.0.1:${o.port}`,
    DATA_DIR: path.join(ROOT, "data", "bench", "app-data"),
    DATABASE_URL: o.databaseUrl,
    SMS_PROVIDER: "mshastra",
    MSHASTRA_API_URL: `${o.gatewayUrl}/sendsms_api_json.aspx`,
    MSHASTRA_USER: "bench-user",
    MSHASTRA_PASSWORD: "bench-password",
    MSHASTRA_SENDER: "PhoneOTP",
    TRUST_PROXY: "1",
    PHONE_ALLOWED_COUNTRIES: "TZ",
    LOG_LEVEL: "warn",
    // Throughput runs send thousands of codes a second to few ranges: the SMS budgets and the bot
    // challenge would refuse them. The guard still runs (monitor) so its cost is measured.
    // bench:abuse sets these back to the defaults.
    OTP_MAX_SENDS_PER_HOUR: "0",
    OTP_MAX_SENDS_PER_COUNTRY_PER_HOUR: "0",
    OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "0",
    OTP_FRAUD_GUARD: "monitor",
    OTP_CHALLENGE: "off",
    ...(o.nodeOptions ? { NODE_OPTIONS: o.nodeOptions } : {}),
    ...o.env,
  });
}

/** `next start` on the product's build, like production (NODE_ENV=production). */
export async function startProduct(o: ProductOptions): Promise<Server> {
  const proc = startProcess(o.name, process.execPath, [...(o.nodeArgs ?? []), NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(o.port)], {
    cwd: o.buildDir,
    env: productEnv(o),
    logDir: o.logDir,
  });
  const url = `http://127.0.0.1:${o.port}`;
  const bootMs = await waitForHttp(`${url}/api/health`, proc);
  return { name: o.name, url, proc, bootMs };
}

type FloorOptions = { port: number; databaseUrl: string; gatewayUrl: string; logDir: string; name: string; nodeOptions?: string; nodeArgs?: string[] };

function floorEnv(o: FloorOptions) {
  return baseEnv({
    NODE_ENV: "production",
    PORT: String(o.port),
    FLOOR_DATABASE_URL: o.databaseUrl,
    FLOOR_GATEWAY_URL: `${o.gatewayUrl}/sendsms_api_json.aspx`,
    FLOOR_POOL_SIZE: "10",
    ...(o.nodeOptions ? { NODE_OPTIONS: o.nodeOptions } : {}),
  });
}

/** bench/floor-raw/server.ts under node with tsx's loader (compiled once at start). */
export async function startRawFloor(o: FloorOptions): Promise<Server> {
  const proc = startProcess(o.name, process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "floor-raw", "server.ts")], {
    cwd: ROOT,
    env: floorEnv(o),
    logDir: o.logDir,
  });
  const url = `http://127.0.0.1:${o.port}`;
  const bootMs = await waitForHttp(`${url}/health`, proc);
  return { name: o.name, url, proc, bootMs };
}

export async function startNextFloor(o: FloorOptions & { buildDir: string }): Promise<Server> {
  const proc = startProcess(o.name, process.execPath, [...(o.nodeArgs ?? []), NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(o.port)], {
    cwd: o.buildDir,
    env: floorEnv(o),
    logDir: o.logDir,
  });
  const url = `http://127.0.0.1:${o.port}`;
  const bootMs = await waitForHttp(`${url}/api/health`, proc);
  return { name: o.name, url, proc, bootMs };
}
