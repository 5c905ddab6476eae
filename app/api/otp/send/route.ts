import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { refuseCrossSite } from "@/lib/api/request-guard";
import { getOtpContext } from "@/lib/otp/context";
import { sendOtp } from "@/lib/otp/service";
import { sendOtpSchema } from "@/lib/validation/otp";

export const dynamic = "force-dynamic";

// POST /api/otp/send – issue a code for a phone and purpose, and send it by SMS.
export const POST = withApi(async ({ req, ip, userAgent }) => {
  await refuseCrossSite(req);
  const input = validate(sendOtpSchema, await parseJson(req));
  const result = await sendOtp(await getOtpContext(), { ...input, ip, userAgent });
  return json(result);
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
