import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { refuseCrossSite } from "@/lib/api/request-guard";
import { assertCallerAllowed } from "@/lib/api-keys";
import { env } from "@/lib/env";
import { getOtpContext } from "@/lib/otp/context";
import { sendOtp } from "@/lib/otp/service";
import { sendOtpSchema } from "@/lib/validation/otp";

export const dynamic = "force-dynamic";

// POST /api/otp/send – issue a code for a phone and purpose, and send it by SMS.
// With `Authorization: Bearer <API key>` (scope otp:send): the key's own budget instead of the per-IP limit.
export const POST = withApi(
  async ({ req, ip, userAgent, apiKey }) => {
    await refuseCrossSite(req);
    const input = validate(sendOtpSchema, await parseJson(req));
    const ctx = await getOtpContext();
    assertCallerAllowed({ required: env().OTP_REQUIRE_API_KEY, apiKey, secFetchSite: req.headers.get("sec-fetch-site"), purpose: input.purpose ?? ctx.config.purposes[0] });
    const result = await sendOtp(ctx, { ...input, ip, userAgent, apiKeyId: apiKey?.id });
    return json(result);
  },
  { apiKeyScope: "otp:send" },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
