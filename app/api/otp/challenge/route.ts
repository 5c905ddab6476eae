import { json, withApi } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { createBotChallenge } from "@/lib/otp/challenge";
import { getOtpContext } from "@/lib/otp/context";

export const dynamic = "force-dynamic";

// GET /api/otp/challenge – a bot challenge for the next send (ALTCHA, or the Turnstile/hCaptcha site key).
export const GET = withApi(async () => {
  const ctx = await getOtpContext();
  return json(await createBotChallenge(ctx.config.challenge, ctx.now()));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
