/**
 * Browser requests of the login form: every one has a timeout (REQUEST_TIMEOUT_MS), and a request
 * that fails or never answers becomes the "network_error" problem, which the form shows as
 * "No connection — try again" with everything typed kept.
 */
import type { LoginProblem, LoginState } from "@/lib/login/state";
import { timeZoneCookie } from "@/lib/time-zone";

export const REQUEST_TIMEOUT_MS = 15_000;

export class RequestProblem extends Error {
  constructor(readonly problem: LoginProblem) {
    super(problem.message);
    this.name = "RequestProblem";
  }
}

const NETWORK: LoginProblem = { code: "network_error", message: "No connection" };

type ErrorBody = { error?: { code?: string; message?: string; attemptsLeft?: number; retryAfter?: number; limit?: string } };

async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, credentials: "same-origin", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch {
    throw new RequestProblem(NETWORK);
  }
}

async function problemOf(res: Response): Promise<RequestProblem> {
  const body = (await res.json().catch(() => null)) as ErrorBody | null;
  const error = body?.error;
  if (!error?.code) return new RequestProblem(res.status >= 500 && res.status !== 502 ? { code: "internal_error", message: "" } : NETWORK);
  const wait = error.retryAfter ?? Number(res.headers.get("retry-after"));
  return new RequestProblem({
    code: error.code,
    message: error.message ?? "",
    ...(error.attemptsLeft !== undefined && { attemptsLeft: error.attemptsLeft }),
    ...(Number.isFinite(wait) && wait > 0 && { retryAt: Date.now() + wait * 1000 }),
    ...(error.limit && { limit: error.limit }),
  });
}

/** The fields a press of `submitter` posts (its name=value included), read at once. */
export function formFields(form: HTMLFormElement, submitter: HTMLElement | null): URLSearchParams {
  const fields = new URLSearchParams();
  for (const [key, value] of new FormData(form, submitter as HTMLButtonElement | null)) if (typeof value === "string") fields.append(key, value);
  return fields;
}

/**
 * A login form post (/login/send), answered with the next state as JSON. `challenge`, when given,
 * replaces the form's hidden bot-challenge field (a fresh solution from takeChallenge()). The fields
 * are read before it is awaited: the pressed button is disabled while busy, and a disabled
 * submitter would drop its `intent` from the form data.
 */
export async function postLoginForm(
  form: HTMLFormElement,
  submitter: HTMLElement | null,
  challenge?: () => Promise<string | undefined>,
  fields: URLSearchParams = formFields(form, submitter),
): Promise<LoginState> {
  const body = new URLSearchParams(fields);
  if (challenge) body.set("challenge", (await challenge()) ?? "");
  const res = await request(form.getAttribute("action") ?? "/login/send", { method: "POST", headers: { Accept: "application/json" }, body });
  if (!res.ok) throw await problemOf(res);
  const data = (await res.json().catch(() => null)) as { state?: LoginState } | null;
  if (!data?.state) throw new RequestProblem(NETWORK);
  return data.state;
}

/** The code, in one round trip: a right code answers with the session cookie already set. */
export async function verifyAndSignIn(phone: string, code: string): Promise<void> {
  // The page after this one renders its times in this zone on the server (lib/time-zone.ts).
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (timeZone) document.cookie = timeZoneCookie(timeZone);
  const res = await request("/api/otp/verify", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ phone, code, purpose: "Login", session: true }),
  });
  if (!res.ok) throw await problemOf(res);
}
