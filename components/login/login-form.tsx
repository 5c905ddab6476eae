"use client";

import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import type { Country } from "react-phone-number-input";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { FieldMessage, Label } from "@/components/ui/input";
import { DEFAULT_AFTER_LOGIN, safeCallbackUrl } from "@/lib/auth/callback-url";
import { ApiError, sendCode, verifyCode, type SendResponse } from "./api";
import { BotChallenge } from "./bot-challenge";
import { CodeField } from "./code-field";
import { maskPhone } from "./mask-phone";
import { codeErrorMessage, formatWait, phoneErrorMessage, SEND_WAIT_TEXT, signInErrorMessage, type FormMessage } from "./messages";
import { PhoneField } from "./phone-field";
import { useResendTimer } from "./use-resend-timer";
import { useWebOtp } from "./use-web-otp";

type Sent = { phone: string; verificationId: string; expiresAt: number; resendAfter: number };

export type LoginFormProps = {
  defaultCountry: Country;
  codeLength: number;
  /** The console SMS provider is on: codes are readable at /dev/inbox. */
  showDevInbox: boolean;
  callbackUrl: string | null;
  signedInAs?: string | null;
  notice?: string | null;
};

function toSent(res: SendResponse): Sent {
  const resendAfter = Date.parse(res.resendAfter);
  return {
    phone: res.phone,
    verificationId: res.verificationId,
    expiresAt: Date.parse(res.expiresAt),
    // A client clock far off the server's must not hide the button for hours: cap the wait.
    resendAfter: Math.min(Number.isFinite(resendAfter) ? resendAfter : 0, Date.now() + 3_600_000),
  };
}

/** "28 s" under a minute, then "3 min": the wait shown on a button that counts down. */
function shortWait(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError("internal_error", "Something went wrong.", 500);
}

export function LoginForm({ defaultCountry, codeLength, showDevInbox, callbackUrl, signedInAs, notice }: LoginFormProps) {
  const router = useRouter();
  const [step, setStep] = useState<"phone" | "code">("phone");
  const [phone, setPhone] = useState<string | undefined>();
  const [phoneError, setPhoneError] = useState<FormMessage | null>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  // Sending to this number was refused until `until` (rate_limited): Send counts down meanwhile.
  const [sendBlock, setSendBlock] = useState<{ phone: string; until: number } | null>(null);
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState<FormMessage | null>(null);
  const [status, setStatus] = useState<string | null>(notice ?? null);
  const [sentNote, setSentNote] = useState("We sent a code to");
  const [busy, setBusy] = useState<"send" | "verify" | "resend" | "redirect" | null>(null);
  // State updates are asynchronous: the ref stops a second submit in the same tick (Enter + auto-submit).
  const busyRef = useRef(false);
  const codeInputRef = useRef<HTMLInputElement>(null);
  const resendIn = useResendTimer(sent?.resendAfter ?? null);
  const sendWait = useResendTimer(sendBlock && sendBlock.phone === phone ? sendBlock.until : null);
  /** Expired, locked or gone: the field is closed and "Send a new code" is the way on. */
  const isCodeDead = !!codeError?.offerResend;

  const focusPhone = () => requestAnimationFrame(() => document.getElementById("phone")?.focus());

  // Focus the code field on arrival and whenever a request ends (the field is disabled while
  // verifying, which drops focus): after a wrong code the person simply types again.
  useEffect(() => {
    if (step === "code" && busy === null) codeInputRef.current?.focus();
  }, [step, busy, sent?.verificationId]);

  async function run<T>(kind: NonNullable<typeof busy>, task: () => Promise<T>): Promise<T | undefined> {
    if (busyRef.current) return undefined;
    busyRef.current = true;
    setBusy(kind);
    try {
      return await task();
    } finally {
      busyRef.current = false;
      setBusy((current) => (current === kind ? null : current));
    }
  }

  async function onSubmitPhone(event: FormEvent) {
    event.preventDefault();
    if (!phone) {
      setPhoneError({ text: "Enter your phone number." });
      focusPhone();
      return;
    }
    // The same number again before its resend wait is over ("Change number" and back): the code already
    // sent still works, so go back to it instead of asking for another one the API would refuse.
    if (sent && phone === sent.phone && Date.now() < sent.resendAfter && (isCodeDead || Date.now() < sent.expiresAt)) {
      setPhoneError(null);
      if (!isCodeDead) setCodeError(null);
      setCode("");
      setSentNote(`We sent a ${codeLength}-digit code to`);
      setStatus(isCodeDead ? null : `Enter the code we sent to ${maskPhone(sent.phone)}: it still works.`);
      setStep("code");
      return;
    }
    await run("send", async () => {
      setPhoneError(null);
      try {
        const res = await sendCode(phone);
        setSent(toSent(res));
        setCode("");
        setCodeError(null);
        setSentNote(`We sent a ${codeLength}-digit code to`);
        setStatus(`We sent a ${codeLength}-digit code to ${maskPhone(res.phone)}.`);
        setStep("code");
      } catch (error) {
        const apiError = toApiError(error);
        if (apiError.code === "rate_limited") {
          // Not an error in what was typed: say so calmly and count the wait down on the button.
          setSendBlock({ phone, until: Date.now() + (apiError.details.retryAfter ?? 60) * 1000 });
          return;
        }
        setPhoneError(phoneErrorMessage(apiError));
        focusPhone();
      }
    });
  }

  async function resend() {
    if (!sent) return;
    await run("resend", async () => {
      try {
        const res = await sendCode(sent.phone);
        setSent(toSent(res));
        setCode("");
        setCodeError(null);
        setSentNote("We sent a new code to");
        setStatus(`We sent a new code to ${maskPhone(res.phone)}. Earlier codes no longer work.`);
      } catch (error) {
        const apiError = toApiError(error);
        // A refused resend does not revive the old code: keep offering a new one if it was dead.
        const offerResend = !!codeError?.offerResend;
        if (apiError.code === "rate_limited" && apiError.details.retryAfter) {
          const wait = apiError.details.retryAfter;
          setSent((s) => (s ? { ...s, resendAfter: Date.now() + wait * 1000 } : s));
          setCodeError({ text: `You can ask for a new code in ${formatWait(wait)}.`, offerResend });
        } else {
          setCodeError({ ...phoneErrorMessage(apiError), offerResend });
        }
      }
    });
  }

  const submitCode = useCallback(
    async (value: string) => {
      if (!sent) return;
      if (value.length !== codeLength) {
        setCodeError({ text: `Enter all ${codeLength} digits of the code.` });
        codeInputRef.current?.focus();
        return;
      }
      await run("verify", async () => {
        setCodeError(null);
        let loginToken: string;
        try {
          loginToken = (await verifyCode(sent.phone, value)).loginToken;
        } catch (error) {
          setCodeError(codeErrorMessage(toApiError(error)));
          setCode("");
          return;
        }
        const result = await signIn("phone-otp", { loginToken, redirect: false }).catch(() => undefined);
        if (!result?.ok || result.error) {
          setCodeError(signInErrorMessage(result?.error));
          setCode("");
          return;
        }
        setStatus("Verified. Signing you in…");
        setBusy("redirect");
        busyRef.current = true; // stays set: the page is going away
        router.replace(safeCallbackUrl(callbackUrl) ?? DEFAULT_AFTER_LOGIN);
        router.refresh();
      });
    },
    // run/router are stable enough for this form's lifetime; sent and codeLength drive the request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [sent, codeLength, callbackUrl],
  );

  useWebOtp(step === "code" ? (sent?.verificationId ?? null) : null, (otp) => {
    const digits = otp.replace(/\D/g, "").slice(0, codeLength);
    setCode(digits);
    void submitCode(digits);
  });

  // The code error is kept: coming back with the same number shows a dead code as dead.
  function changeNumber() {
    setStep("phone");
    setCode("");
    setStatus(null);
    focusPhone();
  }

  const isVerifying = busy === "verify" || busy === "redirect";
  const phoneMessage = phoneError?.text ?? (sendWait > 0 ? SEND_WAIT_TEXT : undefined);

  return (
    <Card>
      {step === "phone" ? (
        <>
          <CardHeader
            title="Log in with your phone"
            description="We'll text you a one-time code. No password needed."
          />
          {signedInAs && (
            <p className="mb-4 rounded-lg bg-brand-50 px-3 py-2 text-sm text-slate-800 dark:bg-slate-800 dark:text-slate-200">
              You are already signed in as <span className="font-medium whitespace-nowrap">{signedInAs}</span>.{" "}
              <Link href="/account" className="font-medium text-brand-700 underline underline-offset-4 dark:text-blue-300">
                Go to your account
              </Link>
            </p>
          )}
          <form onSubmit={onSubmitPhone} noValidate className="space-y-2">
            <Label htmlFor="phone">Phone number</Label>
            <PhoneField
              id="phone"
              value={phone}
              onChange={(value) => {
                setPhone(value);
                if (phoneError) setPhoneError(null);
              }}
              defaultCountry={defaultCountry}
              invalid={!!phoneError}
              describedBy="phone-message"
              disabled={busy === "send"}
            />
            <FieldMessage id="phone-message" neutral={!phoneError}>
              {phoneMessage}
            </FieldMessage>
            <BotChallenge />
            <Button type="submit" isLoading={busy === "send"} loadingText="Sending code…" disabled={sendWait > 0} className="mt-2">
              {sendWait > 0 ? `Send code in ${shortWait(sendWait)}` : "Send code"}
            </Button>
          </form>
          <p role="status" aria-live="polite" className="mt-4 min-h-5 text-sm text-slate-600 dark:text-slate-300">
            {status}
          </p>
        </>
      ) : (
        <>
          <CardHeader
            title="Enter your code"
            description={
              <p>
                {sentNote}{" "}
                <span className="font-medium whitespace-nowrap text-slate-900 dark:text-slate-100" data-testid="masked-phone">
                  {sent ? maskPhone(sent.phone) : ""}
                </span>
                .{" "}
                <Button variant="ghost" size="sm" onClick={changeNumber} disabled={isVerifying}>
                  Change number
                </Button>
              </p>
            }
          />
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void submitCode(code);
            }}
            noValidate
            className="space-y-2"
          >
            <Label htmlFor="code">{codeLength}-digit code</Label>
            <CodeField
              id="code"
              inputRef={codeInputRef}
              length={codeLength}
              value={code}
              onChange={(value) => {
                setCode(value);
                if (codeError && value) setCodeError(null);
              }}
              onComplete={(value: string) => void submitCode(value)}
              invalid={!!codeError && !isCodeDead}
              describedBy="code-message code-status"
              disabled={isVerifying || isCodeDead}
            />
            <FieldMessage id="code-message">{codeError?.text}</FieldMessage>
            {isCodeDead ? (
              <Button onClick={resend} isLoading={busy === "resend"} loadingText="Sending…" disabled={resendIn > 0 || isVerifying} className="mt-2">
                {resendIn > 0 ? `Send a new code in ${resendIn} s` : "Send a new code"}
              </Button>
            ) : (
              <Button type="submit" isLoading={isVerifying} loadingText="Signing in…" className="mt-2">
                Verify and sign in
              </Button>
            )}
          </form>
          {/* Announcements only: the same words are on screen in the header. */}
          <p id="code-status" role="status" aria-live="polite" className="sr-only">
            {status}
          </p>
          {!isCodeDead && (
            <div className="mt-4 flex flex-wrap items-center gap-x-1 text-sm text-slate-600 dark:text-slate-300">
              <span>Didn&apos;t get it?</span>
              <Button variant="ghost" size="sm" onClick={resend} isLoading={busy === "resend"} loadingText="Sending…" disabled={resendIn > 0 || isVerifying}>
                {resendIn > 0 ? `Resend code in ${resendIn} s` : "Resend code"}
              </Button>
            </div>
          )}
        </>
      )}
      {showDevInbox && (
        <p className="mt-6 rounded-lg border border-dashed border-amber-500 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-400/60 dark:bg-amber-950/40 dark:text-amber-100">
          Development mode: no real SMS is sent.{" "}
          <a href="/dev/inbox" target="_blank" rel="noopener" className="font-medium underline underline-offset-4">
            Read your code in the development inbox
          </a>
          .
        </p>
      )}
    </Card>
  );
}
