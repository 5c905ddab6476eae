import { json, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { getOtpContext } from "@/lib/otp/context";
import { publicJwks } from "@/lib/otp/verification-token";

export const dynamic = "force-dynamic";

// GET /.well-known/jwks.json – the public keys that verify verificationToken JWTs (current,
// about to sign, and retired ones until their tokens expire). Cached a minute by clients.
export const GET = withApi(async () => {
  const ctx = await getOtpContext();
  const jwks = await publicJwks(ctx.db, { secret: ctx.config.secret, ...ctx.config.verificationToken }, ctx.now());
  return json(jwks, { headers: { "Cache-Control": "public, max-age=60" } });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
