import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { otherMethods } from "@/lib/api/methods";
import { env } from "@/lib/env";
import { LOCALE_COOKIE } from "@/lib/i18n/locales";
import { offeredLocales } from "@/lib/i18n/request-locale";
import { safeReturnPath, switchLocale } from "@/lib/i18n/switch";
import { readForm } from "@/lib/login/form-request";

export const dynamic = "force-dynamic";

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

// POST /locale – the language switcher (a plain form, no JavaScript needed): stores the choice in
// the `locale` cookie and answers 303 to the same-origin page it came from.
export const POST = withApi(async ({ req }) => {
  const form = await readForm(req);
  const locale = switchLocale(form.get("locale"), offeredLocales().offered);
  if (!locale) throw new AppError("validation_error", "Choose one of the offered languages.", { fields: { locale: `One of ${offeredLocales().offered.join(", ")}.` } });
  const res = NextResponse.redirect(new URL(safeReturnPath(form.get("back")), env().NEXTAUTH_URL ?? req.url), 303);
  res.cookies.set(LOCALE_COOKIE, locale, { path: "/", maxAge: ONE_YEAR_SECONDS, httpOnly: true, sameSite: "lax", secure: env().NEXTAUTH_URL?.startsWith("https://") ?? false });
  return res;
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
