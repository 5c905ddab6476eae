import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { DEFAULT_AFTER_LOGIN, safeCallbackUrl } from "@/lib/auth/callback-url";
import { env } from "@/lib/env";
import { verifyStep } from "@/lib/login/flow";
import { answerStep, currentStep, readForm } from "@/lib/login/form-request";
import { LOGIN_STEP_COOKIE } from "@/lib/login/step";

export const dynamic = "force-dynamic";

// POST /login/verify – the code form without JavaScript: a right code sets the session cookie and
// answers 303 to the callback page (one navigation); anything else 303 back to the code step.
export const POST = withApi(async ({ req, ip, userAgent }) => {
  const form = await readForm(req);
  const callbackUrl = form.get("callbackUrl");
  const result = await verifyStep(await currentStep(req), form.get("code") ?? "", { ip, userAgent });
  if ("step" in result) return answerStep(req, result.step, callbackUrl);
  const target = new URL(safeCallbackUrl(callbackUrl, env().NEXTAUTH_URL) ?? DEFAULT_AFTER_LOGIN, env().NEXTAUTH_URL ?? req.url);
  const res = NextResponse.redirect(target, 303);
  res.cookies.set(result.cookie.name, result.cookie.value, result.cookie.options);
  res.cookies.delete(LOGIN_STEP_COOKIE);
  return res;
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
