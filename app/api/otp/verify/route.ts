import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { refuseCrossSite } from "@/lib/api/request-guard";
import { assertCallerAllowed } from "@/lib/api-keys";
import { env } from "@/lib/env";
import { getOtpContext } from "@/lib/otp/context";
import { verifyOtp } from "@/lib/otp/service";
import { verifyOtpSchema } from "@/lib/validation/otp";

export const dynamic = "force-dynamic";

// POST /api/otp/verify – check a code; a success carries a single-use token for a login session
// and a signed verification token (JWT) for the caller's back end.
// With `Authorization: Bearer <API key>` (scope otp:verify): the key's own budget instead of the per-IP limit.
export const POST = withApi(
  async ({ req, ip, userAgent, apiKey }) => {
    await refuseCrossSite(req);
    const input = validate(verifyOtpSchema, await parseJson(req));
    const ctx = await getOtpContext();
    assertCallerAllowed({ required: env().OTP_REQUIRE_API_KEY, apiKey, secFetchSite: req.headers.get("sec-fetch-site"), purpose: input.purpose ?? ctx.config.purposes[0] });
    const result = await verifyOtp(ctx, { ...input, ip, userAgent, apiKeyId: apiKey?.id });
    return json({ status: result.status, verificationId: result.verificationId, loginToken: result.loginToken, verificationToken: result.verificationToken });
  },
  { apiKeyScope: "otp:verify" },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
