import { describe, expect, it } from "vitest";
import { createNonce, pageContentSecurityPolicy } from "./csp";

describe("the pages' Content Security Policy", () => {
  it("lets scripts run only with the response's nonce (or loaded by such a script), never inline or through eval in production", () => {
    const policy = pageContentSecurityPolicy("abc123==", { isDevelopment: false });
    expect(policy).toContain("script-src 'self' 'nonce-abc123==' 'strict-dynamic';");
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it("allows eval only under next dev, where React's error overlay needs it", () => {
    expect(pageContentSecurityPolicy("n", { isDevelopment: true })).toMatch(/script-src [^;]*'unsafe-eval'/);
  });

  it("draws a new 128-bit nonce for every response", () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    expect(Buffer.from([...nonces][0], "base64")).toHaveLength(16);
  });
});
