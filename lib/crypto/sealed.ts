/**
 * Secrets we must read back (signing keys, webhook secrets) are stored sealed: AES-256-GCM under a
 * key derived (HKDF-SHA256) from OTP_SECRET with a per-use `info`, the row's id bound in as
 * additional data so a sealed value copied to another row does not open. A database dump alone
 * reveals nothing; changing OTP_SECRET makes old values unreadable.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

export type SealPurpose = { salt: string; info: string };

function derivedKey(secret: string, purpose: SealPurpose): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, purpose.salt, purpose.info, 32));
}

/** base64url(iv || ciphertext || tag). */
export function seal(secret: string, purpose: SealPurpose, rowId: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derivedKey(secret, purpose), iv);
  cipher.setAAD(Buffer.from(rowId));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/** Throws when the secret, purpose or row id differ from the ones that sealed it. */
export function unseal(secret: string, purpose: SealPurpose, rowId: string, sealed: string): string {
  const raw = Buffer.from(sealed, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", derivedKey(secret, purpose), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(rowId));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
}
