/**
 * The login-step cookie: where the login is (number, verification, expiry, resend time, numbers
 * already confirmed), encrypted with next-auth's JWE (NEXTAUTH_SECRET, own salt), httpOnly, for
 * this browser session only. It keeps the step across reloads and without JavaScript, and keeps
 * the number out of every URL.
 */
import "server-only";
import { decode, encode } from "next-auth/jwt";
import { env } from "@/lib/env";
import type { LoginState } from "./state";

export const LOGIN_STEP_COOKIE = "login-step";
const SALT = "phoneotp.login-step";
/** A login left alone longer than this starts over. */
const STEP_MAX_AGE_SECONDS = 60 * 60;
/** Numbers confirmed ("Is +255 … correct?") in this browser session; their resends skip the question. */
const MAX_CONFIRMED = 5;

export type StoredStep = LoginState & { confirmed?: string[] };

export async function encodeStep(step: StoredStep): Promise<string> {
  const confirmed = step.confirmed?.slice(-MAX_CONFIRMED);
  return encode({ token: { ...step, confirmed } as Record<string, unknown>, secret: env().NEXTAUTH_SECRET, salt: SALT, maxAge: STEP_MAX_AGE_SECONDS });
}

/** The stored step, or null for a missing, expired or forged cookie. */
export async function decodeStep(value: string | undefined): Promise<StoredStep | null> {
  if (!value) return null;
  try {
    const payload = await decode({ token: value, secret: env().NEXTAUTH_SECRET, salt: SALT });
    if (!payload || typeof payload.stage !== "string") return null;
    const { stage, country, input, pending, sent, notice, phoneError, codeError, confirmed } = payload as StoredStep;
    return { stage, country, input, pending, sent, notice, phoneError, codeError, confirmed };
  } catch {
    return null;
  }
}

export function stepCookieOptions() {
  // No maxAge: a session cookie, gone when the browser closes; the JWE's own expiry bounds it too.
  return { httpOnly: true, sameSite: "lax" as const, path: "/", secure: env().NEXTAUTH_URL?.startsWith("https://") ?? false };
}

/** What the page may show: the stored step without the list of confirmed numbers; flash messages go once. */
export function publicState(step: StoredStep | null): LoginState {
  if (!step) return { stage: "phone" };
  const { confirmed: _confirmed, ...state } = step;
  void _confirmed;
  return state;
}
