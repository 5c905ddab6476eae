/**
 * Reading and answering the login form's posts: an urlencoded (or multipart) body within the API's
 * size limit, same-origin only, answered with 303 back to the page for a plain form post, or with
 * the next state as JSON for the form's own fetch (Accept: application/json). Both set the same
 * login-step cookie, so the page renders the same step after a reload.
 */
import "server-only";
import { NextResponse } from "next/server";
import { readLimited } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { isSameOriginRequest } from "@/lib/auth/same-origin";
import { env } from "@/lib/env";
import { decodeStep, encodeStep, LOGIN_STEP_COOKIE, publicState, stepCookieOptions, type StoredStep } from "./step";

export async function readForm(req: Request): Promise<URLSearchParams> {
  if (!isSameOriginRequest(req)) throw new AppError("forbidden", "This form works from this site's own pages only.");
  const type = req.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const data = await req.formData();
    const params = new URLSearchParams();
    for (const [key, value] of data) if (typeof value === "string") params.append(key, value.slice(0, 2048));
    return params;
  }
  if (!type.startsWith("application/x-www-form-urlencoded")) throw new AppError("unsupported_media_type", "Send the form as application/x-www-form-urlencoded.");
  return new URLSearchParams(await readLimited(req));
}

export async function currentStep(req: Request): Promise<StoredStep | null> {
  const raw = req.headers.get("cookie")?.split(/;\s*/).find((c) => c.startsWith(`${LOGIN_STEP_COOKIE}=`));
  return decodeStep(raw ? decodeURIComponent(raw.slice(LOGIN_STEP_COOKIE.length + 1)) : undefined);
}

export const wantsJson = (req: Request) => /application\/json/.test(req.headers.get("accept") ?? "");

/** /login (with the callbackUrl kept) for the 303 after a plain form post. */
export function loginPageUrl(req: Request, callbackUrl: string | null): URL {
  const url = new URL("/login", env().NEXTAUTH_URL ?? req.url);
  const safe = safeCallbackUrl(callbackUrl, env().NEXTAUTH_URL);
  if (safe) url.searchParams.set("callbackUrl", safe);
  return url;
}

export async function answerStep(req: Request, step: StoredStep, callbackUrl: string | null): Promise<Response> {
  const res = wantsJson(req)
    ? NextResponse.json({ state: publicState(step) }, { headers: { "Cache-Control": "no-store" } })
    : NextResponse.redirect(loginPageUrl(req, callbackUrl), 303);
  res.cookies.set(LOGIN_STEP_COOKIE, await encodeStep(step), stepCookieOptions());
  return res;
}
