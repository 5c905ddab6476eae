/**
 * Webhook URLs and the POST that delivers to them. A webhook makes our server send requests where
 * an admin says, so in production private, loopback and link-local targets are refused (SSRF)
 * unless WEBHOOK_ALLOW_PRIVATE=1: the URL's host is checked when it is saved, and every address
 * the name resolves to is checked again at connect time (the check is inside the socket's lookup,
 * so a DNS answer that changes between check and connect cannot slip through). Redirects are not
 * followed.
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

export const RESPONSE_BODY_LIMIT = 500;

/** Publicly routable unicast addresses only ("unicast" in ipaddr.js; IPv4-mapped IPv6 unwrapped). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

/** Why the URL cannot be a webhook target, or null. Does not resolve names (see deliver-time lookup). */
export function webhookUrlProblem(value: string, opts: { allowPrivate: boolean }): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full URL, e.g. https://example.com/webhooks/otp.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "Use an http:// or https:// URL.";
  if (url.username || url.password) return "Leave credentials out of the URL: requests are signed instead.";
  if (url.hash) return "Leave the #fragment out of the URL.";
  if (!opts.allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (ipaddr.isValid(host) ? !isPublicAddress(host) : host === "localhost" || host.endsWith(".localhost") || !host.includes(".")) {
      return "This URL points at a private or local address; webhooks go to public addresses (set WEBHOOK_ALLOW_PRIVATE=1 to allow).";
    }
  }
  return null;
}

export class PrivateAddressError extends Error {
  readonly code = "private_address";
}

function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 4);
      const list = addresses as dns.LookupAddress[];
      const refused = !allowPrivate && list.find((a) => !isPublicAddress(a.address));
      if (refused) return callback(new PrivateAddressError(`${hostname} resolves to a private address`), "", 4);
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

export type PostResult =
  | { ok: boolean; status: number; body: string; latencyMs: number; error?: string }
  | { ok: false; status?: undefined; body?: undefined; latencyMs: number; error: "timeout" | "network" | "private_address" };

/** POSTs `body` and reads at most RESPONSE_BODY_LIMIT characters of the answer. Never throws. */
export function postWebhook(urlText: string, body: string, headers: Record<string, string>, opts: { timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const url = new URL(urlText);
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const req = transport.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "PhoneOTP-Webhooks/1", "content-length": Buffer.byteLength(body), ...headers },
        lookup: guardedLookup(opts.allowPrivate),
        timeout: opts.timeoutMs,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (text.length < RESPONSE_BODY_LIMIT) text += chunk;
          if (text.length >= RESPONSE_BODY_LIMIT) res.destroy(); // enough to show; do not download more
        });
        const done = () => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          finish({ ok, status, body: text.slice(0, RESPONSE_BODY_LIMIT), latencyMs: latency(), ...(!ok && { error: `http_${status}` }) });
        };
        res.on("end", done);
        res.on("close", done);
      },
    );
    req.on("timeout", () => {
      req.destroy();
      finish({ ok: false, latencyMs: latency(), error: "timeout" });
    });
    req.on("error", (error) => finish({ ok: false, latencyMs: latency(), error: error instanceof PrivateAddressError ? "private_address" : "network" }));
    req.end(body);
  });
}
