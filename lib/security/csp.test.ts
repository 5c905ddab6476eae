import { describe, expect, it } from "vitest";
import { challengeWidget } from "../otp/config";
import { challengeOrigins, createNonce, pageContentSecurityPolicy } from "./csp";

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

  describe("with a bot-challenge widget configured", () => {
    const widget = (e: Partial<Parameters<typeof challengeWidget>[0]>) =>
      challengeWidget({ OTP_CHALLENGE: "always", OTP_CHALLENGE_PROVIDER: "altcha", OTP_CHALLENGE_SCRIPT_URL: undefined, isProduction: true, ...e });
    const policyFor = (e: Partial<Parameters<typeof challengeWidget>[0]>) => pageContentSecurityPolicy("n", { isDevelopment: false, challengeOrigins: challengeOrigins(widget(e)) });
    const directive = (policy: string, name: string) => policy.split("; ").find((d) => d.startsWith(`${name} `));

    it("lets Turnstile's documented origin frame, fetch and style, and keeps scripts on the nonce", () => {
      const policy = policyFor({ OTP_CHALLENGE_PROVIDER: "turnstile" });
      expect(directive(policy, "frame-src")).toBe("frame-src 'self' https://challenges.cloudflare.com");
      expect(directive(policy, "connect-src")).toBe("connect-src 'self' https://challenges.cloudflare.com");
      expect(directive(policy, "script-src")).toBe("script-src 'self' 'nonce-n' 'strict-dynamic' https://challenges.cloudflare.com");
      expect(policy).not.toContain("unsafe-eval");
    });

    it("lets hCaptcha's documented hosts in (hcaptcha.com and its sub-domains)", () => {
      const policy = policyFor({ OTP_CHALLENGE_PROVIDER: "hcaptcha" });
      for (const name of ["frame-src", "connect-src", "style-src"]) expect(directive(policy, name)).toMatch(/ https:\/\/hcaptcha\.com https:\/\/\*\.hcaptcha\.com$/);
    });

    it("derives the origin from OTP_CHALLENGE_SCRIPT_URL, and only that origin", () => {
      const policy = policyFor({ OTP_CHALLENGE_PROVIDER: "hcaptcha", OTP_CHALLENGE_SCRIPT_URL: "http://127.0.0.1:3436/hcaptcha/1/api.js?render=explicit" });
      expect(directive(policy, "frame-src")).toBe("frame-src 'self' http://127.0.0.1:3436");
      expect(policy).not.toContain("hcaptcha.com");
    });

    it("keeps the policy 'self' for ALTCHA and while challenges are off", () => {
      const strict = pageContentSecurityPolicy("n", { isDevelopment: false });
      for (const e of [{}, { OTP_CHALLENGE: "adaptive" as const }, { OTP_CHALLENGE_PROVIDER: "turnstile" as const, OTP_CHALLENGE: "off" as const }, { OTP_CHALLENGE_PROVIDER: "hcaptcha" as const, OTP_CHALLENGE: undefined, isProduction: false }]) {
        expect(policyFor(e)).toBe(strict);
      }
      expect(directive(strict, "connect-src")).toBe("connect-src 'self'");
      expect(directive(strict, "frame-src")).toBeUndefined(); // default-src 'self'
    });
  });
});
