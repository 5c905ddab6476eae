/**
 * The load driver: virtual users doing send → read the code from the fake gateway → verify, over
 * undici pools. Closed loop (N users, each starts its next cycle when the last one ends) for
 * throughput, or open loop (a fixed number of cycles per second) for the soak and fault runs.
 * Every cycle uses a fresh valid Tanzanian mobile number and its own X-Forwarded-For address, so
 * the server's limits stay at their defaults without ever refusing the benchmark.
 * It records every request (start, end, status) and every cycle (for the database check);
 * summarize() turns a time window of that log into throughput, percentiles and errors.
 */
import { Pool } from "undici";

export type Endpoint = "send" | "code" | "verify" | "csrf" | "callback" | "session";
export const ENDPOINTS: Endpoint[] = ["send", "code", "verify", "csrf", "callback", "session"];

/** How a system under test spells its two calls. */
export type ApiStyle = {
  name: string;
  sendPath: string;
  verifyPath: string;
  sendBody(phone: string): unknown;
  verifyBody(phone: string, code: string): unknown;
  /** The seed API returns no id: the database check then goes by phone. */
  idFrom(body: unknown): string | undefined;
  /**
   * A full login: the cycle ends with a session cookie. "product": verify with `session: true`; a
   * server that ignores it gets next-auth's credentials callback (csrf → callback with the
   * loginToken). "cookie": the verify itself sets the session (Better Auth).
   */
  login?: "product" | "cookie";
  /** Where a session cookie is checked (on every SESSION_SAMPLE-th cycle) and what proves it. */
  sessionPath?: string;
  sessionOk?(body: unknown, phone: string): boolean;
  /** Extra headers a browser would send (Origin for Better Auth's CSRF check). */
  headers?(origin: string): Record<string, string>;
};

/** One cycle in SESSION_SAMPLE has its session cookie checked by the server. */
export const SESSION_SAMPLE = 10;

const idOf = (body: unknown) => {
  const b = body as { verificationId?: unknown; id?: unknown } | null;
  const id = b?.verificationId ?? b?.id;
  return typeof id === "string" ? id : undefined;
};

export const API_STYLES = {
  native: {
    name: "native",
    sendPath: "/api/otp/send",
    verifyPath: "/api/otp/verify",
    sendBody: (phone: string) => ({ phone }),
    verifyBody: (phone: string, code: string) => ({ phone, code }),
    idFrom: idOf,
  },
  seed: {
    name: "seed",
    sendPath: "/api/users/send-otp/",
    verifyPath: "/api/users/verify-otp/",
    sendBody: (phone: string) => ({ phone }),
    verifyBody: (phone: string, code: string) => ({ phone, otp: code }),
    idFrom: () => undefined,
  },
} satisfies Record<string, ApiStyle>;

/** The product's full login: send → verify with "session": true → session cookie (see ApiStyle.login). */
export const PRODUCT_LOGIN: ApiStyle = {
  ...API_STYLES.native,
  name: "native full login",
  verifyBody: (phone: string, code: string) => ({ phone, code, session: true }),
  login: "product",
  sessionPath: "/api/auth/session",
  sessionOk: (body, phone) => (body as { user?: { phone?: string } } | null)?.user?.phone === phone,
  // A browser's POST names its page's origin; "session": true is refused without it (a 403 for every
  // verify of the first run after the login issue: the driver sent none).
  headers: (origin) => ({ origin }),
};

/** Better Auth's phoneNumber plugin under its default base path; its verify signs up and signs in. */
export const BETTER_AUTH_API: ApiStyle = {
  name: "better-auth phone-number",
  sendPath: "/api/auth/phone-number/send-otp",
  verifyPath: "/api/auth/phone-number/verify",
  sendBody: (phone: string) => ({ phoneNumber: phone }),
  verifyBody: (phone: string, code: string) => ({ phoneNumber: phone, code }),
  idFrom: () => undefined,
  login: "cookie",
  sessionPath: "/api/auth/get-session",
  sessionOk: (body, phone) => (body as { user?: { phoneNumber?: string } } | null)?.user?.phoneNumber === phone,
  headers: (origin) => ({ origin }),
};

/** The floors take the native body shape under their own paths. */
export function floorApi(name: string, prefix: string): ApiStyle {
  return { ...API_STYLES.native, name, sendPath: `${prefix}/send`, verifyPath: `${prefix}/verify` };
}

/** `completes`: this 200 ended a cycle (verify, or the last step of a full login). */
export type RequestRecord = { ep: Endpoint; target: number; start: number; end: number; status: number | string; completes?: boolean };

export type CycleRecord = {
  phone: string;
  ip: string;
  sendTarget: number;
  sendStatus?: number | string;
  verificationId?: string;
  code?: string;
  verifyTarget?: number;
  verifyStatus?: number | string;
  /** Full login: how the session was obtained ("verify" set the cookie, or next-auth's "callback"). */
  loginPath?: "verify" | "callback";
  /** The session cookie was checked by the server: true when it named this phone. */
  sessionChecked?: boolean;
};

export type LoadOptions = {
  targets: string[];
  api: ApiStyle;
  gatewayUrl: string;
  /** Total run time, warm-up included. */
  durationMs: number;
  /** Closed loop with this many virtual users… */
  users?: number;
  /** …or open loop at this many cycles per second (at most maxInFlight cycles at once). */
  rate?: number;
  maxInFlight?: number;
  /** Called about every 100 ms with the elapsed time; used to switch faults at fixed points. */
  onTick?: (elapsedMs: number, run: LoadRun) => void | Promise<void>;
  /** Called once when the run time is up, before waiting for the cycles still in flight. */
  onEnd?: (elapsedMs: number) => void;
  phones?: PhoneSeries;
};

export type LoadRun = {
  t0: number;
  requests: RequestRecord[];
  cycles: CycleRecord[];
  inFlight: number;
  peakInFlight: number;
  /** Cycles the open loop did not start because maxInFlight was reached. */
  skipped: number;
  /** Open loop: [elapsed ms, cycles in flight] sampled every tick. */
  inFlightSamples: [number, number][];
};

/** +2557X XXXXXXX: 71/74/75/76/78 are TZ mobile ranges in libphonenumber-js/max. */
export class PhoneSeries {
  private n: number;
  private static PREFIXES = ["71", "74", "75", "76", "78"];
  constructor(seed = Math.floor(Math.random() * 5_000_000)) {
    this.n = seed;
  }
  next(): string {
    const i = this.n++;
    const prefix = PhoneSeries.PREFIXES[Math.floor(i / 10_000_000) % PhoneSeries.PREFIXES.length];
    return `+255${prefix}${String(i % 10_000_000).padStart(7, "0")}`;
  }
}

let ipCounter = 0;
/** A distinct client address per cycle, as many users behind a load balancer. */
function nextIp(): string {
  const i = ipCounter++;
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errorName(error: unknown): string {
  const e = error as { code?: string; cause?: { code?: string }; name?: string } | null;
  return e?.code ?? e?.cause?.code ?? e?.name ?? "error";
}

/**
 * Idle connections are dropped after 2 s, well before Node's server closes them (5 s): a request
 * written on a socket the server is closing at that instant dies with ECONNRESET, the classic
 * keep-alive race, which is the client's timing and says nothing about the server.
 */
export function makePool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 2_000,
    keepAliveMaxTimeout: 2_000,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
}

export async function runLoad(opts: LoadOptions): Promise<LoadRun> {
  const connections = opts.users ?? opts.maxInFlight ?? 256;
  const pools = opts.targets.map((t) => makePool(t, connections));
  const gateway = makePool(opts.gatewayUrl, Math.min(connections, 128));
  const phones = opts.phones ?? new PhoneSeries();
  const run: LoadRun = { t0: performance.now(), requests: [], cycles: [], inFlight: 0, peakInFlight: 0, skipped: 0, inFlightSamples: [] };
  let rr = 0;
  let stopped = false;

  type Answer = { status: number | string; json: unknown; cookies: string[]; rec: RequestRecord };

  async function call(ep: Endpoint, target: number, o: { method?: "GET" | "POST"; path: string; body?: unknown; form?: Record<string, string>; ip: string; cookie?: string }): Promise<Answer> {
    const start = performance.now() - run.t0;
    let status: number | string;
    let json: unknown;
    let cookies: string[] = [];
    try {
      const headers: Record<string, string> = { "x-forwarded-for": o.ip, "user-agent": "otp-bench", ...opts.api.headers?.(opts.targets[target]) };
      let body: string | undefined;
      if (o.form) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        body = new URLSearchParams(o.form).toString();
      } else if (o.body !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(o.body);
      }
      if (o.cookie) headers.cookie = o.cookie;
      const res = await pools[target].request({ method: o.method ?? "POST", path: o.path, headers, body });
      status = res.statusCode;
      const set = res.headers["set-cookie"];
      cookies = (Array.isArray(set) ? set : set ? [set] : []).map((c) => c.split(";")[0]);
      const text = await res.body.text();
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    } catch (error) {
      status = errorName(error);
    }
    const rec: RequestRecord = { ep, target, start, end: performance.now() - run.t0, status };
    run.requests.push(rec);
    return { status, json, cookies, rec };
  }

  const post = (ep: Endpoint, target: number, path: string, body: unknown, ip: string) => call(ep, target, { path, body, ip });
  const sessionCookie = (cookies: string[]) => cookies.filter((c) => /session[_.-]token=./.test(c)).join("; ");
  /** A 200 that did not do its job is an error of that request (counted under this status). */
  const refuse = (a: Answer, why: string) => void (a.rec.status = why);

  /** The rest of a full login after a 200 verify: the cycle completes when it holds a session cookie. */
  async function finishLogin(c: CycleRecord, target: number, verified: Answer, n: number): Promise<void> {
    let cookie = sessionCookie(verified.cookies);
    let last = verified;
    let path: CycleRecord["loginPath"] = "verify";
    if (cookie) {
      /* the verify answer carried the session */
    } else if (opts.api.login === "product") {
      // The server ignored "session": true: next-auth's credentials callback with the loginToken.
      const loginToken = (verified.json as { loginToken?: unknown } | null)?.loginToken;
      if (typeof loginToken !== "string") return refuse(verified, "200 without loginToken");
      path = "callback";
      const csrf = await call("csrf", target, { method: "GET", path: "/api/auth/csrf", ip: c.ip });
      const csrfToken = (csrf.json as { csrfToken?: unknown } | null)?.csrfToken;
      if (csrf.status !== 200) return;
      if (typeof csrfToken !== "string") return refuse(csrf, "200 without csrfToken");
      const cb = await call("callback", target, {
        path: "/api/auth/callback/phone-otp",
        form: { csrfToken, loginToken, json: "true" },
        cookie: csrf.cookies.join("; "),
        ip: c.ip,
      });
      if (cb.status !== 200) return;
      cookie = sessionCookie(cb.cookies);
      if (!cookie) return refuse(cb, "200 without session cookie");
      last = cb;
    } else return refuse(verified, "200 without session cookie");
    last.rec.completes = true;
    c.loginPath = path;
    if (opts.api.sessionPath && n % SESSION_SAMPLE === 0) {
      const s = await call("session", target, { method: "GET", path: opts.api.sessionPath, cookie, ip: c.ip });
      c.sessionChecked = s.status === 200 && !!opts.api.sessionOk?.(s.json, c.phone);
      if (s.status === 200 && !c.sessionChecked) refuse(s, "200 without this user");
    }
  }

  async function readCode(phone: string): Promise<string | undefined> {
    const start = performance.now() - run.t0;
    let status: number | string;
    let code: string | undefined;
    try {
      const res = await gateway.request({ method: "GET", path: `/last-code?number=${phone.slice(1)}` });
      status = res.statusCode;
      const body = (await res.body.json()) as { code?: string };
      code = body.code;
    } catch (error) {
      status = errorName(error);
    }
    run.requests.push({ ep: "code", target: 0, start, end: performance.now() - run.t0, status });
    return code;
  }

  let cycles = 0;
  async function cycle() {
    const cycleNo = ++cycles;
    const phone = phones.next();
    const ip = nextIp();
    const sendTarget = rr++ % pools.length;
    const c: CycleRecord = { phone, ip, sendTarget };
    run.cycles.push(c);
    const sent = await post("send", sendTarget, opts.api.sendPath, opts.api.sendBody(phone), ip);
    c.sendStatus = sent.status;
    c.verificationId = opts.api.idFrom(sent.json);
    if (sent.status !== 200) {
      if (typeof sent.status === "string") await sleep(20); // a dead server answers instantly
      return;
    }
    const code = await readCode(phone);
    c.code = code;
    if (!code) return;
    const verifyTarget = rr++ % pools.length;
    c.verifyTarget = verifyTarget;
    const verified = await post("verify", verifyTarget, opts.api.verifyPath, opts.api.verifyBody(phone, code), ip);
    c.verifyStatus = verified.status;
    if (typeof verified.status === "string") await sleep(20);
    else if (verified.status === 200) {
      if (opts.api.login) await finishLogin(c, verifyTarget, verified, cycleNo);
      else verified.rec.completes = true;
    }
  }

  async function tracked() {
    run.inFlight++;
    run.peakInFlight = Math.max(run.peakInFlight, run.inFlight);
    try {
      await cycle();
    } finally {
      run.inFlight--;
    }
  }

  const workers: Promise<void>[] = [];
  if (opts.rate) {
    const maxInFlight = opts.maxInFlight ?? 512;
    let launched = 0;
    workers.push(
      (async () => {
        while (!stopped) {
          const due = Math.floor(((performance.now() - run.t0) / 1000) * opts.rate!);
          while (launched < due) {
            launched++;
            if (run.inFlight >= maxInFlight) run.skipped++;
            else workers.push(tracked());
          }
          await sleep(5);
        }
      })(),
    );
  } else {
    for (let u = 0; u < (opts.users ?? 32); u++) {
      workers.push(
        (async () => {
          while (!stopped) await tracked();
        })(),
      );
    }
  }

  while (!stopped) {
    const elapsed = performance.now() - run.t0;
    if (elapsed >= opts.durationMs) {
      opts.onEnd?.(elapsed);
      break;
    }
    run.inFlightSamples.push([Math.round(elapsed), run.inFlight]);
    await opts.onTick?.(elapsed, run);
    await sleep(100);
  }
  stopped = true;
  // Workers list grows in open-loop mode while we wait: settle until nothing new is pending.
  for (let seen = 0; seen < workers.length; ) {
    const batch = workers.slice(seen);
    seen = workers.length;
    await Promise.allSettled(batch);
  }
  await Promise.all([...pools, gateway].map((p) => p.close().catch(() => {})));
  return run;
}

export type Percentiles = { n: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function percentiles(values: number[]): Percentiles {
  if (!values.length) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = Float64Array.from(values).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const sum = s.reduce((a, b) => a + b, 0);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), max: r(s[s.length - 1]), mean: r(sum / s.length) };
}

export type WindowSummary = {
  windowMs: number;
  cycles: number;
  cyclesPerSec: number;
  send: Percentiles;
  verify: Percentiles;
  code: Percentiles;
  /** Full login only: next-auth's csrf and credentials callback (fallback path), the sampled session check. */
  csrf?: Percentiles;
  callback?: Percentiles;
  session?: Percentiles;
  /** Full login: cycles by the path their session came from; sampled session checks passed / made. */
  loginPaths?: Record<string, number>;
  sessionChecks?: { ok: number; made: number };
  /** "send 502": 3 — every non-200 answer and network error, by endpoint. */
  errors: Record<string, number>;
  errorCount: number;
  fiveXx: number;
};

/** Requests that ended inside [from, to) (ms since t0); a cycle counts when its last step answered 200. */
export function summarize(run: LoadRun, from: number, to: number): WindowSummary {
  const lat = Object.fromEntries(ENDPOINTS.map((e) => [e, [] as number[]])) as Record<Endpoint, number[]>;
  const errors: Record<string, number> = {};
  let cycles = 0;
  let fiveXx = 0;
  for (const r of run.requests) {
    if (r.end < from || r.end >= to) continue;
    lat[r.ep].push(r.end - r.start);
    if (r.status === 200) {
      if (r.completes) cycles++;
      continue;
    }
    const key = `${r.ep} ${r.status}`;
    errors[key] = (errors[key] ?? 0) + 1;
    if (typeof r.status === "number" && r.status >= 500) fiveXx++;
  }
  const windowMs = to - from;
  return {
    windowMs,
    cycles,
    cyclesPerSec: Math.round((cycles / windowMs) * 1000 * 10) / 10,
    send: percentiles(lat.send),
    verify: percentiles(lat.verify),
    code: percentiles(lat.code),
    ...(lat.csrf.length ? { csrf: percentiles(lat.csrf), callback: percentiles(lat.callback) } : {}),
    ...(lat.session.length ? { session: percentiles(lat.session) } : {}),
    ...loginStats(run),
    errors,
    errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
    fiveXx,
  };
}

function loginStats(run: LoadRun): Pick<WindowSummary, "loginPaths" | "sessionChecks"> {
  const paths: Record<string, number> = {};
  const checks = { ok: 0, made: 0 };
  for (const c of run.cycles) {
    if (c.loginPath) paths[c.loginPath] = (paths[c.loginPath] ?? 0) + 1;
    if (c.sessionChecked !== undefined) {
      checks.made++;
      if (c.sessionChecked) checks.ok++;
    }
  }
  return Object.keys(paths).length ? { loginPaths: paths, sessionChecks: checks } : {};
}
