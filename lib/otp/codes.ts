/**
 * Codes and tokens: CSPRNG generation and HMAC-SHA256 storage. Comparison happens between keyed
 * digests inside the conditional UPDATE: timing can reveal at most how many leading bytes of
 * HMAC(secret, guess) match, which an attacker cannot use without the key (the "double HMAC"
 * argument), so the race-free single statement costs nothing in side-channel safety.
 */
import { createHmac, randomBytes, randomInt } from "node:crypto";

export function generateCode(length: number): string {
  return String(randomInt(0, 10 ** length)).padStart(length, "0");
}

/**
 * The stored form of a code. Bound to phone and purpose, so a hash is useless for any other
 * verification and equal codes for different phones do not share a hash.
 */
export function hashCode(secret: string, phone: string, purpose: string, code: string): string {
  return createHmac("sha256", secret).update(`otp\n${phone}\n${purpose}\n${code}`).digest("hex");
}

export function hashToken(secret: string, token: string): string {
  return createHmac("sha256", secret).update(`login-token\n${token}`).digest("hex");
}

export function generateToken(): string {
  return randomBytes(32).toString("base64url");
}
