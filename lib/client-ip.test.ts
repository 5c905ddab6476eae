import { describe, expect, it } from "vitest";
import { compileTrustProxy, ipKey, normaliseIp, resolveClientKey } from "./client-ip";
import { parseEnv } from "./env";
import { TEST_SECRETS } from "@/test/otp-context";

const key = (socket: string | null, xff: string | null, trust = "0", prefix = 64) =>
  resolveClientKey(socket, xff, compileTrustProxy(trust), prefix);

describe("client addresses", () => {
  it("gives every spelling of one IPv4 address the same key", () => {
    const spellings = [
      "203.0.113.7",
      "::ffff:203.0.113.7",
      "::FFFF:cb00:7107",
      "0:0:0:0:0:ffff:cb00:7107",
      "[::ffff:203.0.113.7]:443",
      "203.0.113.7:51234",
      "203.000.113.007",
      "0xcb.0.113.7",
    ];
    expect(new Set(spellings.map((s) => key(s, null)))).toEqual(new Set(["203.0.113.7"]));
  });

  it("writes IPv6 in one canonical form without a zone", () => {
    expect(normaliseIp("2001:0DB8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(normaliseIp("fe80::1%eth0")).toBe("fe80::1");
    expect(normaliseIp("not an address")).toBeNull();
    expect(normaliseIp("")).toBeNull();
  });

  it("keys IPv6 clients by their /64, so 60 addresses of one network share one bucket", () => {
    const keys = new Set(Array.from({ length: 60 }, (_, i) => key(`2001:db8:1:2:${i.toString(16)}:abcd::${i + 1}`, null)));
    expect([...keys]).toEqual(["2001:db8:1:2::/64"]);
    expect(key("2001:db8:1:3::1", null)).toBe("2001:db8:1:3::/64");
  });

  it("keys IPv6 by IP_V6_PREFIX bits (128 = the full address)", () => {
    expect(ipKey("2001:db8:1:2ff::1", 56)).toBe("2001:db8:1:200::/56");
    expect(ipKey("2001:db8::1", 128)).toBe("2001:db8::1");
    expect(parseEnv({ NODE_ENV: "test", ...TEST_SECRETS }).IP_V6_PREFIX).toBe(64);
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY says which hops are proxies", () => {
    expect(key("198.51.100.1", "203.0.113.7")).toBe("198.51.100.1");
    expect(key("198.51.100.1", "203.0.113.7", "off")).toBe("198.51.100.1");
    expect(key(null, "203.0.113.7")).toBeNull();
  });

  it("with TRUST_PROXY=1 takes the right-most X-Forwarded-For entry, as before", () => {
    expect(key("10.0.0.2", "6.6.6.6, 203.0.113.7", "1")).toBe("203.0.113.7");
    expect(key("10.0.0.2", null, "1")).toBe("10.0.0.2");
    expect(key("10.0.0.2", "::ffff:203.0.113.7", "true")).toBe("203.0.113.7");
  });

  it("behind a CDN and a load balancer finds the visitor, not the CDN, by hop count or by ranges", () => {
    // visitor 203.0.113.7 → CDN edge 198.51.100.20 → load balancer 10.0.0.2 → app
    const xff = "6.6.6.6, 203.0.113.7, 198.51.100.20"; // 6.6.6.6: forged by the visitor
    expect(key("10.0.0.2", xff, "2")).toBe("203.0.113.7");
    expect(key("10.0.0.2", xff, "private, 198.51.100.0/24")).toBe("203.0.113.7");
    // the old one-hop reading would have keyed every visitor by the CDN edge
    expect(key("10.0.0.2", xff, "1")).toBe("198.51.100.20");
    // a request that reached the app without the CDN keeps the CDN-less address
    expect(key("10.0.0.2", "203.0.113.9", "private, 198.51.100.0/24")).toBe("203.0.113.9");
    expect(key("127.0.0.1", "203.0.113.9", "loopback")).toBe("203.0.113.9");
    expect(key("198.51.100.1", "203.0.113.9", "loopback")).toBe("198.51.100.1");
  });

  it("counts a junk hop as the nearest valid proxy, so junk cannot mint fresh keys", () => {
    expect(key("10.0.0.2", "junk-1, 198.51.100.20", "2")).toBe("198.51.100.20");
    expect(key("10.0.0.2", "<script>", "1")).toBe("10.0.0.2");
  });

  it("refuses a TRUST_PROXY that is neither a hop count nor addresses and keywords", () => {
    expect(() => compileTrustProxy("banana")).toThrow(/unknown keyword 'banana'/);
    expect(() => compileTrustProxy("10.0.0.0/99")).toThrow(/invalid/i);
    expect(() => parseEnv({ NODE_ENV: "test", ...TEST_SECRETS, TRUST_PROXY: "everyone" })).toThrow(/TRUST_PROXY: unknown keyword 'everyone'/);
  });
});
