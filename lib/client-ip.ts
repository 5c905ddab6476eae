/**
 * Client addresses that cannot be multiplied. The address a limit counts is resolved from the socket
 * and X-Forwarded-For with proxy-addr (Express's resolver) against the trusted proxies, normalised
 * (every spelling of one IPv4 address, IPv4-mapped IPv6 included, is the same key; IPv6 in RFC 5952
 * form), and IPv6 clients are keyed by their network (/64 by default): one subscriber line gets a
 * whole /64, so counting single IPv6 addresses would give an attacker 2^64 fresh buckets.
 */
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";

export type TrustProxy = (addr: string, hop: number) => boolean;

const NO_PROXY: TrustProxy = () => false;
// proxy-addr's own keywords, plus `private` for the RFC 1918 / unique-local ranges operators mean.
const KEYWORDS: Record<string, string[]> = {
  loopback: ["loopback"],
  linklocal: ["linklocal"],
  uniquelocal: ["uniquelocal"],
  private: ["uniquelocal"],
};

/**
 * TRUST_PROXY → the trust function proxy-addr walks X-Forwarded-For with, right to left.
 * `0`/off (unset): the socket address only. A number n: the n nearest hops are proxies (`1` = the
 * right-most X-Forwarded-For entry, as before). Otherwise a comma list of addresses, CIDRs and
 * keywords (loopback, linklocal, uniquelocal, private): every hop in them is a proxy. Throws on junk.
 */
export function compileTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? "").trim().toLowerCase();
  if (["", "0", "false", "no", "off"].includes(text)) return NO_PROXY;
  if (["true", "yes", "on"].includes(text)) return (_addr, hop) => hop < 1;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 100) throw new Error("a hop count must be at most 100");
    return (_addr, hop) => hop < hops;
  }
  const entries = text.split(",").map((s) => s.trim()).filter(Boolean).flatMap((s) => KEYWORDS[s] ?? [s]);
  for (const entry of entries) {
    if (/^[a-z]+$/.test(entry) && !KEYWORDS[entry]) {
      throw new Error(`unknown keyword '${entry}' (use a hop count, addresses/CIDRs, loopback, linklocal, uniquelocal or private)`);
    }
  }
  try {
    return proxyaddr.compile(entries);
  } catch (error) {
    throw new Error(`${(error as Error).message} (use a hop count, addresses/CIDRs, loopback, linklocal, uniquelocal or private)`);
  }
}

/**
 * One canonical text per address: "::ffff:7f00:1", "0x7f.1", "127.000.000.001" and "127.0.0.1" are
 * all "127.0.0.1"; IPv6 in RFC 5952 form without a zone. Brackets and a port ("[::1]:443",
 * "1.2.3.4:5678", as some load balancers write them) are dropped. Null when it is no address.
 */
export function normaliseIp(raw: string | null | undefined): string | null {
  let text = (raw ?? "").trim();
  if (!text || text.length > 100) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^[^:]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  text = text.replace(/%.*$/, "");
  if (!ipaddr.isValid(text)) return null;
  const addr = ipaddr.process(text);
  return addr.kind() === "ipv4" ? addr.toString() : (addr as ipaddr.IPv6).toRFC5952String();
}

/** The key limits count by: the IPv4 address, or the IPv6 network of `v6Prefix` bits ("2001:db8:1:2::/64"). */
export function ipKey(normalised: string, v6Prefix: number): string {
  const addr = ipaddr.parse(normalised);
  if (addr.kind() === "ipv4" || v6Prefix >= 128) return normalised;
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${normalised}/${v6Prefix}`) as ipaddr.IPv6;
  return `${network.toRFC5952String()}/${v6Prefix}`;
}

/**
 * The client's key from the socket address and X-Forwarded-For. Walks from the socket leftwards
 * while the hop is trusted; the first untrusted hop is the client. If that entry is no address
 * (junk written by a client in front of the proxies), the nearest valid hop counts instead, so junk
 * cannot mint fresh keys. Without a socket address (a runtime that does not give one, tests) the
 * first X-Forwarded-For hop is read only when some proxy is trusted; else the key is null.
 */
export function resolveClientKey(
  socket: string | null | undefined,
  forwardedFor: string | null | undefined,
  trust: TrustProxy,
  v6Prefix: number,
): string | null {
  if (!socket && trust === NO_PROXY) return null;
  // proxy-addr reads these two fields of a Node request; X-Forwarded-For is only read past trusted hops.
  const chain = proxyaddr.all(
    { socket: { remoteAddress: socket ? (normaliseIp(socket) ?? socket) : "" }, headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} } as never,
    (addr: string, hop: number) => (hop === 0 && !socket) || trust(normaliseIp(addr) ?? addr, hop),
  );
  for (let i = chain.length - 1; i >= 0; i -= 1) {
    const ip = normaliseIp(chain[i]);
    if (ip) return ipKey(ip, v6Prefix);
  }
  return null;
}
