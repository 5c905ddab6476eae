import { withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { parseIntent, sendStep } from "@/lib/login/flow";
import { offeredLocale } from "@/lib/i18n/request-locale";
import { answerStep, currentStep, readForm } from "@/lib/login/form-request";

export const dynamic = "force-dynamic";

// POST /login/send – the number, confirm and resend forms (works without JavaScript): 303 to /login,
// or the next step as JSON for the form's fetch. The bot challenge's solution (hidden `challenge` field)
// and the page's language (hidden `locale` field, for the SMS) go on to sendOtp.
export const POST = withApi(async ({ req, ip, userAgent }) => {
  const form = await readForm(req);
  const step = await sendStep(
    await currentStep(req),
    { intent: parseIntent(form.get("intent")), phone: form.get("phone") ?? "", country: form.get("country"), challenge: form.get("challenge"), locale: offeredLocale(form.get("locale")), channel: form.get("channel") },
    { ip, userAgent },
  );
  return answerStep(req, step, form.get("callbackUrl"));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
