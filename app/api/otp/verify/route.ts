import { NextResponse } from "next/server";
import { AppError } from "@/lib/api/errors";
import { apiMessage } from "@/lib/api/messages";
import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { refuseCrossSite } from "@/lib/api/request-guard";
import { assertCallerAllowed } from "@/lib/api-keys";
import { env } from "@/lib/env";
import { LOGIN_PURPOSE } from "@/lib/auth/options";
import { isSameOriginRequest } from "@/lib/auth/same-origin";
import { startSession } from "@/lib/auth/session-token";
import { LOGIN_STEP_COOKIE } from "@/lib/login/step";
import { getOtpContext } from "@/lib/otp/context";
import { verifyOtp } from "@/lib/otp/service";
import { verifyOtpSchema } from "@/lib/validation/otp";

export const dynamic = "force-dynamic";

// POST /api/otp/verify – check a code; a success carries a single-use token for a login session
// and a signed verification token (JWT) for the caller's back end, or, with "session": true from our
// own pages, the session cookie itself (one round trip).
// With `Authorization: Bearer <API key>` (scope otp:verify): the key's own budget instead of the per-IP limit.
export const POST = withApi(
  async ({ req, ip, userAgent, apiKey }) => {
    await refuseCrossSite(req);
    const { session, ...input } = validate(verifyOtpSchema, await parseJson(req));
    if (session && !isSameOriginRequest(req)) throw new AppError("forbidden", { key: "sessionSameOrigin" });
    if (session && input.purpose && input.purpose.toLowerCase() !== LOGIN_PURPOSE.toLowerCase()) {
      const message = { key: "sessionPurpose", values: { purpose: LOGIN_PURPOSE } } as const;
      throw new AppError("validation_error", message, { fields: { purpose: apiMessage("en", message) } });
    }
    const ctx = await getOtpContext();
    const purpose = session ? LOGIN_PURPOSE : input.purpose;
    assertCallerAllowed({ required: env().OTP_REQUIRE_API_KEY, apiKey, secFetchSite: req.headers.get("sec-fetch-site"), purpose: purpose ?? ctx.config.purposes[0] });
    // With a session the verify spends its login token itself, so the same proof cannot open a second session.
    const result = await verifyOtp(ctx, { ...input, purpose, ip, userAgent, apiKeyId: apiKey?.id, spendLoginToken: session === true });
    if (!session) {
      return json({ status: result.status, verificationId: result.verificationId, loginToken: result.loginToken, verificationToken: result.verificationToken });
    }
    const { user, cookie } = await startSession({ phone: result.phone, verificationId: result.verificationId, ip, userAgent });
    const body = { status: result.status, verificationId: result.verificationId, verificationToken: result.verificationToken, session: { userId: user.id, phone: user.phone } };
    const res = NextResponse.json(body, { headers: { "Cache-Control": "no-store" } });
    res.cookies.set(cookie.name, cookie.value, cookie.options);
    res.cookies.delete(LOGIN_STEP_COOKIE);
    return res;
  },
  { apiKeyScope: "otp:verify" },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
