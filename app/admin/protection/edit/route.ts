import { NextResponse } from "next/server";
import { json, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { AppError } from "@/lib/api/errors";
import { applyProtectionForm, encodeFlash, failedFlash, FLASH_MAX_AGE_SECONDS, PROTECTION_FLASH_COOKIE, type ProtectionFlash } from "@/lib/admin/protection-form";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { readForm, wantsJson } from "@/lib/login/form-request";

export const dynamic = "force-dynamic";

const PAGE = "/admin/protection";

// POST /admin/protection/edit – every change of the Protection page as a plain form (works without
// JavaScript): same-origin only, admins only, then 303 back to the page with the outcome in a flash
// cookie; the page's own fetch (Accept: application/json) gets { message } or the error shape.
export const POST = withApi(async ({ req, ip, userAgent }) => {
  const form = await readForm(req);
  const admin = await requireAdmin();
  const apply = async () => applyProtectionForm(await getDb(), admin, form, { ip, userAgent, now: new Date() });
  if (wantsJson(req)) return json({ message: await apply() });
  let flash: ProtectionFlash;
  try {
    flash = { intent: form.get("intent") as ProtectionFlash["intent"], ok: true, message: await apply() };
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500 || error.code === "forbidden") throw error;
    flash = failedFlash(form, error);
  }
  const res = NextResponse.redirect(new URL(PAGE, env().NEXTAUTH_URL ?? req.url), 303);
  res.cookies.set(PROTECTION_FLASH_COOKIE, await encodeFlash(flash), {
    httpOnly: true, sameSite: "lax", path: PAGE, maxAge: FLASH_MAX_AGE_SECONDS, secure: env().NEXTAUTH_URL?.startsWith("https://") ?? false,
  });
  return res;
});

// A signed-out form post is sent to the login page by proxy.ts with this path as callbackUrl: back to the page.
export const GET = withApi(async ({ req }) => NextResponse.redirect(new URL(PAGE, env().NEXTAUTH_URL ?? req.url), 303));

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
