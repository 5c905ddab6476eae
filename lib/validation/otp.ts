/** Request schemas shared by the login form and the route handlers. Unknown fields are ignored. */
import { z } from "zod";
import { toAsciiDigits } from "../digits";

const phone = z
  .string({ error: "Enter your phone number." })
  .trim()
  // Any script's decimal digits count (Arabic-Indic, Persian, …); everything after sees ASCII.
  .overwrite(toAsciiDigits)
  .min(1, "Enter your phone number.")
  .max(32, "That is too long for a phone number.");

const purpose = z
  .string({ error: "Purpose must be text." })
  .trim()
  .min(1, "Purpose must not be empty.")
  .max(40, "Purpose is too long.")
  .optional();

export const sendOtpSchema = z.object({
  phone,
  purpose,
  /** The bot-challenge solution (ALTCHA payload, or a Turnstile / hCaptcha token): see GET /api/otp/challenge. */
  challenge: z.string({ error: "challenge must be text." }).trim().max(4096, "challenge is too long.").optional(),
  channel: z.enum(["sms", "whatsapp", "voice", "auto"], { error: "Channel must be sms, whatsapp, voice or auto." }).optional(),
  /** The SMS language (one of LOCALES, checked by sendOtp); without it, the number's country decides. */
  locale: z
    .string({ error: "locale must be text." })
    .trim()
    .min(2, "locale must be a language code such as sw.")
    .max(35, "locale is too long.")
    .optional()
    .describe("The SMS language: one of LOCALES (en, sw, fr, ar). Default: the language of the number's country, else DEFAULT_LOCALE."),
});

export const verifyOtpSchema = z.object({
  phone,
  code: z
    .string({ error: "Enter the code from the SMS." })
    .trim()
    .overwrite(toAsciiDigits)
    .min(1, "Enter the code from the SMS.")
    // ASCII after toAsciiDigits: superscripts, circled numbers and letters stay refused.
    .regex(/^[0-9]{4,10}$/, "The code is 4 to 10 digits (0–9)."),
  purpose,
  /** Sign in with this code: the answer sets the session cookie (same-origin browser requests only). */
  session: z.boolean({ error: "session must be true or false." }).optional(),
});

export const loginTokenSchema = z.object({ token: z.string().min(20).max(200), purpose });

export type SendOtpInput = z.infer<typeof sendOtpSchema>;
export type VerifyOtpInput = z.infer<typeof verifyOtpSchema>;
