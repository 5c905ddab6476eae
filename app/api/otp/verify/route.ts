import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { refuseCrossSite } from "@/lib/api/request-guard";
import { getOtpContext } from "@/lib/otp/context";
import { verifyOtp } from "@/lib/otp/service";
import { verifyOtpSchema } from "@/lib/validation/otp";

export const dynamic = "force-dynamic";

// POST /api/otp/verify – check a code; a success carries a single-use token for a login session.
export const POST = withApi(async ({ req, ip, userAgent }) => {
  await refuseCrossSite(req);
  const input = validate(verifyOtpSchema, await parseJson(req));
  const result = await verifyOtp(await getOtpContext(), { ...input, ip, userAgent });
  return json({ status: result.status, verificationId: result.verificationId, loginToken: result.loginToken });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
