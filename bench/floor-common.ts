/**
 * The minimum an OTP cycle needs, shared by both floors (bench/floor-raw, bench/floor-next):
 * an HMAC-hashed 6-digit code, one INSERT per send, the SMS through the same fake gateway with
 * fetch (as the product does), and one conditional UPDATE per verify. Same table as the product,
 * so the floors pay the same index maintenance and differ from the product only in code.
 */
import { createHmac, randomInt, randomUUID } from "node:crypto";

export const FLOOR_PURPOSE = "Login";
export const TTL_MS = 300_000;

export type FloorConfig = { databaseUrl: string; gatewayUrl: string; secret: string; poolSize: number };

export function floorConfig(env: NodeJS.ProcessEnv = process.env): FloorConfig {
  const databaseUrl = env.FLOOR_DATABASE_URL ?? "";
  const gatewayUrl = env.FLOOR_GATEWAY_URL ?? "";
  if (!databaseUrl || !gatewayUrl) throw new Error("FLOOR_DATABASE_URL and FLOOR_GATEWAY_URL are required");
  return { databaseUrl, gatewayUrl, secret: env.FLOOR_SECRET ?? "floor-secret-0123456789abcdef0123456789", poolSize: Number(env.FLOOR_POOL_SIZE ?? 10) };
}

export function hashCode(secret: string, phone: string, code: string): string {
  return createHmac("sha256", secret).update(`otp\n${phone}\n${FLOOR_PURPOSE}\n${code}`).digest("hex");
}

export type NewCode = { id: string; phone: string; code: string; codeHash: string; now: Date; expiresAt: Date };

/** Reads {phone} (and {code}); anything malformed is a 400, no more checks than that. */
export function readInput(body: unknown, withCode: boolean): { phone: string; code: string } | null {
  const b = body as { phone?: unknown; code?: unknown } | null;
  if (!b || typeof b.phone !== "string" || !/^\+\d{8,15}$/.test(b.phone)) return null;
  if (withCode && (typeof b.code !== "string" || !/^\d{6}$/.test(b.code))) return null;
  return { phone: b.phone, code: withCode ? (b.code as string) : "" };
}

export function newCode(secret: string, phone: string): NewCode {
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const now = new Date();
  return { id: randomUUID(), phone, code, codeHash: hashCode(secret, phone, code), now, expiresAt: new Date(now.getTime() + TTL_MS) };
}

export const INSERT_SQL = `INSERT INTO "Verification" (id, phone, purpose, "codeHash", "maxAttempts", "expiresAt", "createdAt", "updatedAt")
  VALUES ($1, $2, $3, $4, 5, $5::timestamp, $6::timestamp, $6::timestamp)`;

export const insertParams = (c: NewCode) => [c.id, c.phone, FLOOR_PURPOSE, c.codeHash, c.expiresAt.toISOString(), c.now.toISOString()];

/** The race gate: a second verify of the same code re-checks status = 'pending' and updates nothing. */
export const VERIFY_SQL = `UPDATE "Verification" SET status = 'verified', "verifiedAt" = $4::timestamp, "updatedAt" = $4::timestamp
  WHERE phone = $1 AND purpose = $2 AND status = 'pending' AND "codeHash" = $3 AND "expiresAt" > $4::timestamp
  RETURNING id`;

export const verifyParams = (secret: string, phone: string, code: string) => [phone, FLOOR_PURPOSE, hashCode(secret, phone, code), new Date().toISOString()];

/** mShastra's JSON API, as the product calls it. True when the gateway said "Send Successful". */
export async function sendSms(gatewayUrl: string, phone: string, code: string): Promise<boolean> {
  const payload = [{ user: "bench", pwd: "bench", number: phone.slice(1), sender: "BENCH", msg: `Your code is ${code}.`, language: "Unicode" }];
  try {
    const res = await fetch(gatewayUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await res.json()) as { str_response?: string }[];
    return res.ok && answer[0]?.str_response === "Send Successful";
  } catch {
    return false;
  }
}
