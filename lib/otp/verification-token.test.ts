import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { decodeProtectedHeader, importJWK, SignJWT } from "jose";
import { afterAll, beforeEach, expect, it } from "vitest";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { createClock, lastCodeSentTo, TEST_SECRETS } from "@/test/otp-context";
import { post, stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";
import { serveRoutes } from "@/test/serve-routes";
import {
  clearSigningKeyCache,
  PUBLISH_AHEAD_MS,
  publicJwks,
  rotateSigningKeys,
  signVerificationToken,
  type TokenConfig,
} from "./verification-token";

// A real HTTP server answers /.well-known/jwks.json with the route handler; its URL is the issuer.
const routes: Parameters<typeof serveRoutes>[0] = {};
const server = await serveRoutes(routes);
stubRouteEnv({ NEXTAUTH_URL: server.url });
const { POST: send } = await import("@/app/api/otp/send/route");
const { POST: verify } = await import("@/app/api/otp/verify/route");
const { GET: jwks } = await import("@/app/.well-known/jwks.json/route");
routes["/.well-known/jwks.json"] = { GET: jwks };

/** The verifier exactly as docs/integration.md prints it, pointed at the local server. */
async function loadDocumentedVerifier(): Promise<{ verifiedPhone(token: string, purpose: string): Promise<{ phone: string; verificationId: string }> }> {
  const doc = readFileSync(path.join(import.meta.dirname, "../../docs/integration.md"), "utf8");
  const code = /<!-- verifier:start -->\s*```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!code) throw new Error("verifier block not found in docs/integration.md");
  expect(code.trim().split("\n").length).toBeLessThanOrEqual(10);
  const file = path.join(import.meta.dirname, `.verifier-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, code.replace('"https://otp.example.com"', JSON.stringify(server.url)));
  try {
    return await import(/* @vite-ignore */ file);
  } finally {
    rmSync(file);
  }
}

afterAll(() => server.close());

const config = (ttlSeconds = 300): TokenConfig => ({ secret: TEST_SECRETS.OTP_SECRET, ttlSeconds, issuer: server.url });
const claims = (phone = uniquePhone()) => ({ phone, purpose: "Login", verificationId: `v-${phone}`, verifiedAt: new Date() });

describeEachDatabase("verification tokens", (use) => {
  useDatabaseForRoutes(use);
  beforeEach(() => clearSigningKeyCache(use().db));

  it("returns a verificationToken on verify that the documented 10-line verifier accepts over HTTP", async () => {
    const phone = uniquePhone();
    const sent = await (await send(post("/api/otp/send", { phone, purpose: "Login" }))).json();
    const res = await verify(post("/api/otp/verify", { phone, code: lastCodeSentTo(phone), purpose: "Login" }));
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.verificationToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeProtectedHeader(body.verificationToken)).toMatchObject({ alg: "EdDSA", typ: "JWT" });

    const { verifiedPhone } = await loadDocumentedVerifier();
    const before = server.requests;
    expect(await verifiedPhone(body.verificationToken, "Login")).toEqual({ phone, verificationId: sent.verificationId });
    expect(server.requests).toBeGreaterThan(before); // the keys really came over HTTP
    await expect(verifiedPhone(body.verificationToken, "Registration")).rejects.toThrow(/not Registration/);
  });

  it("refuses a tampered, an expired, a foreign-key and an alg=none token", async () => {
    const { verifiedPhone } = await loadDocumentedVerifier();
    const db = use().db;
    const token = await signVerificationToken(db, config(), claims(), new Date());
    const [h, p, s] = token.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), phone_number: "+15550000000" })).toString("base64url");
    await expect(verifiedPhone(`${h}.${forgedPayload}.${s}`, "Login")).rejects.toThrow(/signature/);

    const old = await signVerificationToken(db, config(), claims(), new Date(Date.now() - 10 * 60_000));
    await expect(verifiedPhone(old, "Login")).rejects.toThrow(/exp|age/);

    const { generateKeyPair } = await import("jose");
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const kid = decodeProtectedHeader(token).kid!;
    const foreign = await new SignJWT({ purpose: "Login", phone_number: "+15550000000" })
      .setProtectedHeader({ alg: "EdDSA", kid })
      .setIssuer(server.url).setIssuedAt().setExpirationTime("5m").sign(privateKey);
    await expect(verifiedPhone(foreign, "Login")).rejects.toThrow(/signature/);

    const none = `${Buffer.from(JSON.stringify({ alg: "none", kid })).toString("base64url")}.${p}.`;
    await expect(verifiedPhone(none, "Login")).rejects.toThrow();
  });

  it("keeps verifying tokens signed before a rotation, and signs with the new key only after it was published a minute", async () => {
    const db = use().db;
    const clock = createClock(new Date());
    const before = await signVerificationToken(db, config(), claims(), clock.now());
    const oldKid = decodeProtectedHeader(before).kid;

    const rotation = await rotateSigningKeys(db, config(), clock.now());
    clearSigningKeyCache(db);
    const published = (await publicJwks(db, config(), clock.now())).keys.map((k) => k.kid);
    expect(published).toEqual(expect.arrayContaining([oldKid, rotation.kid]));
    expect(decodeProtectedHeader(await signVerificationToken(db, config(), claims(), clock.now())).kid).toBe(oldKid);

    clock.advance(PUBLISH_AHEAD_MS / 1000 + 1);
    clearSigningKeyCache(db);
    const after = await signVerificationToken(db, config(), claims(), clock.now());
    expect(decodeProtectedHeader(after).kid).toBe(rotation.kid);

    // The old key is still published: the documented verifier accepts the token signed before.
    const { verifiedPhone } = await loadDocumentedVerifier();
    await expect(verifiedPhone(before, "Login")).resolves.toBeTruthy();
    expect((await publicJwks(db, config(), clock.now())).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, rotation.kid]));
  });

  it("drops a retired key from the JWKS only once every token it signed has expired (TTL + 5 minutes)", async () => {
    const db = use().db;
    const clock = createClock(new Date(Date.now() + 86_400_000));
    await signVerificationToken(db, config(60), claims(), clock.now());
    const first = await rotateSigningKeys(db, config(60), clock.now());
    const second = await rotateSigningKeys(db, config(60), clock.now());
    const kids = async () => (await publicJwks(db, config(60), clock.now())).keys.map((k) => k.kid);
    expect(await kids()).toContain(first.kid);
    clock.advance(60 + 60 + 5 * 60 - 5); // activation minute + TTL + margin, minus 5 s
    expect(await kids()).toContain(first.kid);
    clock.advance(10);
    expect(await kids()).not.toContain(first.kid);
    expect(await kids()).toContain(second.kid);
  });

  it("stores private keys only encrypted, and a changed OTP_SECRET retires them and creates a new key", async () => {
    const db = use().db;
    const token = await signVerificationToken(db, config(), claims(), new Date());
    const kid = decodeProtectedHeader(token).kid!;
    const row = await db.signingKey.findUniqueOrThrow({ where: { id: kid } });
    expect(row.privateKey).not.toMatch(/"d"|"kty"/);
    expect(Buffer.from(row.privateKey, "base64url").toString("latin1")).not.toContain('"d"');
    expect(JSON.stringify(row.publicJwk)).not.toContain('"d"');
    for (const key of (await publicJwks(db, config(), new Date())).keys) expect(key).not.toHaveProperty("d");
    await expect(importJWK(row.publicJwk as object, "EdDSA")).resolves.toBeTruthy();

    clearSigningKeyCache(db);
    const other = { ...config(), secret: "another-otp-secret-0123456789abcdef0123456789" };
    const next = await signVerificationToken(db, other, claims(), new Date());
    expect(decodeProtectedHeader(next).kid).not.toBe(kid);
    expect((await db.signingKey.findUniqueOrThrow({ where: { id: kid } })).retiredAt).not.toBeNull();
  });

  it("creates one key, not one per verify, when many verifies find none at once (a fresh start under load)", async () => {
    const db = use().db;
    await db.signingKey.deleteMany({});
    const tokens = await Promise.all(Array.from({ length: 16 }, () => signVerificationToken(db, config(), claims(), new Date())));
    expect(new Set(tokens.map((t) => decodeProtectedHeader(t).kid)).size).toBe(1);
    expect(await db.signingKey.count()).toBe(1);
  });
});
