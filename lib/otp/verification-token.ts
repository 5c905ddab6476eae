/**
 * Signed verification results: after a successful verify we hand out a short-lived JWT (EdDSA,
 * Ed25519) saying "this phone was verified for this purpose just now", which a developer's back end
 * checks offline against /.well-known/jwks.json.
 *
 * Keys live in the database so every instance signs with the same key and the JWKS is the same
 * everywhere. The private key is encrypted with AES-256-GCM under a key derived (HKDF) from
 * OTP_SECRET: a database dump or backup alone cannot mint tokens, and no extra secret needs managing.
 * Changing OTP_SECRET makes the old private keys unreadable; a new key is then created (logged).
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import { seal, unseal } from "../crypto/sealed";
import type { Db } from "../db/connection";
import { log } from "../log";

export const TOKEN_ALG = "EdDSA";
/** A rotated-in key is published this long before it signs, so verifiers that cached the JWKS
 * (jose refetches on an unknown kid, at most every 30 s) already know it. */
export const PUBLISH_AHEAD_MS = 60_000;
/** Retired public keys stay published for the token lifetime plus this margin (process caches). */
export const RETENTION_MARGIN_MS = 5 * 60_000;
const CACHE_MS = 30_000;

export type TokenConfig = { secret: string; ttlSeconds: number; issuer: string };

export type VerificationClaims = {
  phone: string;
  purpose: string;
  verificationId: string;
  verifiedAt: Date;
};

type ActiveKey = { kid: string; key: CryptoKey | Uint8Array; secret: string; loadedAt: number };
// Per database client (one per process in the app; tests open several). `…Loading`: the load in
// flight, shared by every verify that misses the cache meanwhile (issue 19: at start 32 concurrent
// verifies each found no key and each created one — 27 SigningKey rows in a 99-cycle bench run).
const globalForKeys = globalThis as unknown as { __otpSigningKey?: WeakMap<Db, ActiveKey>; __otpSigningKeyLoading?: WeakMap<Db, Promise<ActiveKey>> };

const SIGNING_KEY_SEAL = { salt: "phoneotp", info: "signing-key-encryption:v1" };
const encrypt = (secret: string, kid: string, plain: string) => seal(secret, SIGNING_KEY_SEAL, kid, plain);
const decrypt = (secret: string, kid: string, sealed: string) => unseal(secret, SIGNING_KEY_SEAL, kid, sealed);

/** Creates a key pair and stores it; `activatesAt` in the future publishes it before it signs. */
export async function createSigningKey(db: Db, secret: string, now: Date, activatesAt = now) {
  const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALG, { crv: "Ed25519", extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  await db.signingKey.create({
    data: { id: kid, alg: TOKEN_ALG, publicJwk: publicJwk as object, privateKey: encrypt(secret, kid, JSON.stringify(privateJwk)), createdAt: now, activatesAt },
  });
  return { kid };
}

/**
 * Rotation (npm run keys:rotate): a new key is published now and signs from PUBLISH_AHEAD_MS on;
 * the current keys retire at that moment. Keys whose tokens expired long ago are deleted.
 */
export async function rotateSigningKeys(db: Db, config: TokenConfig, now: Date) {
  const activatesAt = new Date(now.getTime() + PUBLISH_AHEAD_MS);
  const { kid } = await createSigningKey(db, config.secret, now, activatesAt);
  const retired = await db.signingKey.updateMany({
    where: { id: { not: kid }, OR: [{ retiredAt: null }, { retiredAt: { gt: activatesAt } }] },
    data: { retiredAt: activatesAt },
  });
  const deleted = await db.signingKey.deleteMany({ where: { retiredAt: { lt: new Date(now.getTime() - publishedFor(config) - 86_400_000) } } });
  return { kid, activatesAt, retired: retired.count, deleted: deleted.count };
}

function publishedFor(config: TokenConfig): number {
  return config.ttlSeconds * 1000 + RETENTION_MARGIN_MS;
}

/** The key that signs now: the newest one whose activation time has come and that has not retired. */
async function activeKey(db: Db, config: TokenConfig, now: Date): Promise<ActiveKey> {
  const cached = globalForKeys.__otpSigningKey?.get(db);
  if (cached && cached.secret === config.secret && Date.now() - cached.loadedAt < CACHE_MS) return cached;
  const loading = (globalForKeys.__otpSigningKeyLoading ??= new WeakMap());
  let load = loading.get(db);
  if (!load) {
    load = loadActiveKey(db, config, now).finally(() => loading.delete(db));
    loading.set(db, load);
  }
  const key = await load;
  // A load started under another secret (tests switch it) is not this caller's key.
  return key.secret === config.secret ? key : loadActiveKey(db, config, now);
}

async function loadActiveKey(db: Db, config: TokenConfig, now: Date): Promise<ActiveKey> {
  const cache = (globalForKeys.__otpSigningKey ??= new WeakMap());
  const rows = await db.signingKey.findMany({
    where: { activatesAt: { lte: now }, OR: [{ retiredAt: null }, { retiredAt: { gt: now } }] },
    orderBy: { activatesAt: "desc" },
    take: 5,
  });
  for (const row of rows) {
    try {
      const jwk = JSON.parse(decrypt(config.secret, row.id, row.privateKey)) as JWK;
      const loaded = { kid: row.id, key: await importJWK(jwk, TOKEN_ALG), secret: config.secret, loadedAt: Date.now() };
      cache.set(db, loaded);
      return loaded;
    } catch {
      log.error("signing key cannot be decrypted (was OTP_SECRET changed?); it is retired", { kid: row.id });
      await db.signingKey.update({ where: { id: row.id }, data: { retiredAt: now } });
    }
  }
  // No usable key yet (first start, or OTP_SECRET changed): create one that signs at once. Two
  // instances racing here each create one; both are published, so both sets of tokens verify.
  await createSigningKey(db, config.secret, now);
  return loadActiveKey(db, config, now);
}

/** Forgets the cached signing key (tests; rotation takes effect within CACHE_MS otherwise). */
export function clearSigningKeyCache(db: Db) {
  globalForKeys.__otpSigningKey?.delete(db);
  globalForKeys.__otpSigningKeyLoading?.delete(db);
}

/**
 * Signs the result of a successful verify. Claims: `sub` and `phone_number` (E.164), `purpose`,
 * `verification_id` (also `jti`), `verified_at` (ISO time), `iat`, `exp`, `iss`.
 */
export async function signVerificationToken(db: Db, config: TokenConfig, claims: VerificationClaims, now: Date): Promise<string> {
  const { kid, key } = await activeKey(db, config, now);
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    phone_number: claims.phone,
    purpose: claims.purpose,
    verification_id: claims.verificationId,
    verified_at: claims.verifiedAt.toISOString(),
  })
    .setProtectedHeader({ alg: TOKEN_ALG, kid, typ: "JWT" })
    .setIssuer(config.issuer)
    .setSubject(claims.phone)
    .setJti(claims.verificationId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + config.ttlSeconds)
    .sign(key);
}

/** The public keys to publish: every key that signs now or will soon, and retired ones until their tokens expired. */
export async function publicJwks(db: Db, config: TokenConfig, now: Date): Promise<{ keys: JWK[] }> {
  const rows = await db.signingKey.findMany({
    where: { OR: [{ retiredAt: null }, { retiredAt: { gt: new Date(now.getTime() - publishedFor(config)) } }] },
    orderBy: { activatesAt: "desc" },
    select: { id: true, alg: true, publicJwk: true },
  });
  return { keys: rows.map((row) => ({ ...(row.publicJwk as JWK), kid: row.id, alg: row.alg, use: "sig" })) };
}
