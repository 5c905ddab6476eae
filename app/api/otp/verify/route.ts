import { NextResponse } from "next/server";
import { AppError } from "@/lib/api/errors";
import { json, parseJson, validate, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { refuseCrossSite } from "@/lib/api/request-guard";
import { LOGIN_PURPOSE } from "@/lib/auth/options";
import { isSameOriginRequest } from "@/lib/auth/same-origin";
import { startSession } from "@/lib/auth/session-token";
import { LOGIN_STEP_COOKIE } from "@/lib/login/step";
import { getOtpContext } from "@/lib/otp/context";
import { consumeLoginToken, verifyOtp } from "@/lib/otp/service";
import { verifyOtpSchema } from "@/lib/validation/otp";

export const dynamic = "force-dynamic";

// POST /api/otp/verify – check a code; a success carries a single-use token for a login session,
// or, with "session": true from our own pages, the session cookie itself (one round trip).
export const POST = withApi(async ({ req, ip, userAgent }) => {
  await refuseCrossSite(req);
  const { session, ...input } = validate(verifyOtpSchema, await parseJson(req));
  if (session && !isSameOriginRequest(req)) throw new AppError("forbidden", '"session": true is accepted from this site\'s own pages only.');
  if (session && input.purpose && input.purpose.toLowerCase() !== LOGIN_PURPOSE.toLowerCase()) {
    const message = `"session": true needs purpose ${LOGIN_PURPOSE}.`;
    throw new AppError("validation_error", message, { fields: { purpose: message } });
  }
  const ctx = await getOtpContext();
  const result = await verifyOtp(ctx, { ...input, purpose: session ? LOGIN_PURPOSE : input.purpose, ip, userAgent });
  if (!session) return json({ status: result.status, verificationId: result.verificationId, loginToken: result.loginToken });
  // The token is spent here, so the same proof cannot open a second session.
  const proof = await consumeLoginToken(ctx, { token: result.loginToken, purpose: LOGIN_PURPOSE });
  const { user, cookie } = await startSession({ ...proof, ip, userAgent });
  const body = { status: result.status, verificationId: result.verificationId, session: { userId: user.id, phone: user.phone } };
  const res = NextResponse.json(body, { headers: { "Cache-Control": "no-store" } });
  res.cookies.set(cookie.name, cookie.value, cookie.options);
  res.cookies.delete(LOGIN_STEP_COOKIE);
  return res;
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
