import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { getOtpContext } from "@/lib/otp/context";
import { verifyOtp } from "@/lib/otp/service";
import { verifyOtpSchema } from "@/lib/validation/otp";

export const dynamic = "force-dynamic";

// POST /api/otp/verify – check a code; a success carries a single-use token for a login session
// and a signed verification token (JWT) for the caller's back end.
export const POST = withApi(async ({ req, ip, userAgent }) => {
  const input = validate(verifyOtpSchema, await parseJson(req));
  const result = await verifyOtp(await getOtpContext(), { ...input, ip, userAgent });
  return json({ status: result.status, verificationId: result.verificationId, loginToken: result.loginToken, verificationToken: result.verificationToken });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
