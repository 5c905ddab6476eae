"use client";

import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { FieldMessage, Label, inputClassName } from "@/components/ui/input";
import type { CountryGroups, CountryOption } from "@/lib/login/countries";
import { toAsciiDigits } from "@/lib/digits";
import type { LoginLimits, LoginProblem, LoginState } from "@/lib/login/state";
import { formFields, postLoginForm, RequestProblem, verifyAndSignIn } from "./api";
import { BotChallenge, takeChallenge } from "./bot-challenge";
import { ChannelChoice, channelChoices, SentByNote, type ChannelOptions } from "./channel-choice";
import { formatClock, useHydrated, useTimeZone } from "./local-time";
import { clockWait, problemText } from "./messages";
import { useCountdown } from "./use-countdown";
import { useWebOtp } from "./use-web-otp";

export type LoginFormProps = {
  initial: LoginState;
  countries: CountryGroups;
  defaultCountry: string;
  codeLength: number;
  limits: LoginLimits;
  /** The console SMS provider is on: codes are readable at /dev/inbox. */
  showDevInbox: boolean;
  callbackUrl: string | null;
  signedInAs?: string | null;
  notice?: string | null;
  /** CHANNEL_ROUTES and the channel buttons' words; without it the form offers SMS only. */
  channelOptions?: ChannelOptions;
};

type Busy = "send" | "confirm" | "have-code" | "resend" | "verify" | "redirect" | null;

const primary =
  "inline-flex min-h-12 w-full items-center justify-center gap-2 rounded-lg bg-brand-600 px-5 text-base font-medium text-white shadow-sm hover:bg-brand-700 disabled:bg-brand-600/60 aria-disabled:bg-brand-600/60 dark:bg-brand-500 dark:hover:bg-brand-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:focus-visible:outline-blue-300";
const secondary =
  "inline-flex min-h-12 w-full items-center justify-center gap-2 rounded-lg border border-slate-300 bg-white px-5 text-base font-medium text-slate-900 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:focus-visible:outline-blue-300";
// At least 44 px tall: these are tapped with a thumb.
const textButton =
  "inline-flex min-h-11 items-center rounded-md px-2 text-base font-medium text-brand-700 underline underline-offset-4 hover:text-brand-800 aria-disabled:cursor-not-allowed aria-disabled:text-slate-600 aria-disabled:no-underline dark:text-blue-300 dark:aria-disabled:text-slate-400 focus-visible:outline-2 focus-visible:outline-brand-600 dark:focus-visible:outline-blue-300";

/** The country whose dial code starts an international "+…"/"00…" entry (the main one of a shared code). */
function countryOfInput(input: string, all: CountryOption[], current: string): string | null {
  const m = /^(?:\+|00)(\d{1,3})/.exec(input.replace(/[\s().-]/g, ""));
  if (!m) return null;
  for (let length = Math.min(3, m[1].length); length >= 1; length--) {
    const dial = m[1].slice(0, length);
    const matches = all.filter((c) => c.dial === dial);
    if (!matches.length) continue;
    if (matches.some((c) => c.code === current)) return current;
    return (matches.find((c) => c.isMain) ?? matches[0]).code;
  }
  return null;
}

/**
 * Set when Back left the code or confirm step. It lives in the document, not the component: Next's
 * router may re-render the page on Back with the server's view (the cookie still says "code").
 */
let wentBackToNumber = false;

const hasStepMarker = () => !!(window.history.state as { loginStep?: string } | null)?.loginStep;

function Spinner() {
  return (
    <svg className="size-4 animate-spin motion-reduce:animate-none" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity="0.3" strokeWidth="4" />
      <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="4" strokeLinecap="round" />
    </svg>
  );
}

export function LoginForm({ initial, countries, defaultCountry, codeLength, limits, showDevInbox, callbackUrl, signedInAs, notice, channelOptions }: LoginFormProps) {
  const timeZone = useTimeZone();
  const [state, setState] = useState<LoginState>(() =>
    typeof window !== "undefined" && wentBackToNumber && initial.stage !== "phone" && !hasStepMarker() ? { ...initial, stage: "phone" } : initial,
  );
  const [phone, setPhone] = useState(initial.input ?? "");
  const [country, setCountry] = useState(initial.country ?? defaultCountry);
  const [search, setSearch] = useState("");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState<Busy>(null);
  const [announce, setAnnounce] = useState("");
  const busyRef = useRef(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const phoneRef = useRef<HTMLInputElement>(null);
  const resendRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  const sent = state.sent;
  const resendIn = useCountdown(state.stage === "code" ? sent?.resendAfter : null);
  const hydrated = useHydrated();
  const expiresIn = useCountdown(state.stage === "code" && !sent?.isDead ? sent?.expiresAt : null);
  // A code that runs out while the page is open is dead too: said, and the way on offered.
  const hasExpired = state.stage === "code" && hydrated && !!sent?.expiresAt && expiresIn === 0 && !!sent && !sent.isDead;
  const isDead = !!sent?.isDead || hasExpired;
  const all = countries.all;
  const selected = all.find((c) => c.code === country) ?? all.find((c) => c.code === defaultCountry);

  // Back from the code or confirm step returns to the number step (one history entry per step).
  useEffect(() => {
    if (state.stage === "phone") return;
    wentBackToNumber = false;
    if (!hasStepMarker()) window.history.pushState({ ...(window.history.state as object), loginStep: state.stage }, "");
  }, [state.stage]);
  useEffect(() => {
    const onPop = (event: PopStateEvent) => {
      if ((event.state as { loginStep?: string } | null)?.loginStep) return;
      wentBackToNumber = true;
      setState((s) => (s.stage === "phone" ? s : { ...s, stage: "phone", phoneError: undefined, codeError: undefined, notice: undefined }));
      // The server's step follows, so a reload now shows the number too.
      const body = new URLSearchParams({ intent: "change" });
      void fetch("/login/send", { method: "POST", body, headers: { Accept: "application/json" }, signal: AbortSignal.timeout(15_000) }).catch(() => undefined);
      requestAnimationFrame(() => phoneRef.current?.focus());
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  // Arriving on a step puts focus where the next action is.
  useEffect(() => {
    if (!hydrated) return;
    if (state.stage === "code" && !isDead) codeRef.current?.focus();
    if (state.stage === "confirm") confirmRef.current?.focus();
  }, [state.stage, sent?.verificationId, hydrated, isDead]);

  // On lock or expiry focus moves to "Send a new code".
  useEffect(() => {
    if (isDead && state.stage === "code") requestAnimationFrame(() => resendRef.current?.focus());
  }, [isDead, state.stage]);

  // The resend button becoming usable is announced, not only drawn.
  const wasCounting = useRef(false);
  useEffect(() => {
    if (resendIn > 0) wasCounting.current = true;
    else if (wasCounting.current) {
      wasCounting.current = false;
      setAnnounce(isDead ? "You can send a new code now." : "You can ask for a new code now.");
    }
  }, [resendIn, isDead]);

  async function run(kind: NonNullable<Busy>, task: () => Promise<void>) {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(kind);
    try {
      await task();
    } finally {
      busyRef.current = false;
      setBusy((b) => (b === kind ? null : b));
    }
  }

  /** Every form of the page posts to the server; with JavaScript the answer comes back as JSON instead of a reload. */
  function onSubmitSendForm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.getAttribute("aria-disabled") === "true") return;
    const intent = (submitter?.value ?? "send") as NonNullable<Busy> | "change";
    if (intent === "change") {
      // Nothing to ask the server: go back at once and let it know in the background.
      setState((s) => ({ ...s, stage: "phone", phoneError: undefined, codeError: undefined, notice: undefined }));
      setCode("");
      void postLoginForm(form, submitter).catch(() => undefined);
      requestAnimationFrame(() => phoneRef.current?.focus());
      return;
    }
    // Read now: while busy the pressed button is disabled, and would drop out of the form data.
    const fields = formFields(form, submitter);
    void run(intent, async () => {
      try {
        // A send (confirm, resend) carries a fresh bot-challenge solution; a plain "send" usually only
        // asks "Is … correct?", so it goes with what the hidden field holds and, if the server asks
        // for a challenge after all, once more with a fresh one.
        const sends = intent === "confirm" || intent === "resend";
        let next = await postLoginForm(form, submitter, sends ? takeChallenge : undefined, fields);
        if ((next.phoneError ?? next.codeError)?.code === "challenge_required") next = await postLoginForm(form, submitter, takeChallenge, fields);
        setState(next);
        if (next.country) setCountry(next.country);
        if (next.stage === "code") setCode("");
        if (next.stage === "phone" && next.phoneError) requestAnimationFrame(() => phoneRef.current?.focus());
      } catch (error) {
        const problem: LoginProblem = error instanceof RequestProblem ? error.problem : { code: "network_error", message: "" };
        setState((s) => (s.stage === "code" ? { ...s, codeError: problem } : { ...s, phoneError: problem }));
      }
    });
  }

  const submitCode = useCallback(
    (value: string) => {
      if (!sent || busyRef.current) return;
      if (value.length !== codeLength) {
        setState((s) => ({ ...s, codeError: { code: "validation_error", message: `Enter all ${codeLength} digits of the code.` } }));
        codeRef.current?.focus();
        return;
      }
      void run("verify", async () => {
        setState((s) => ({ ...s, codeError: undefined, notice: undefined }));
        try {
          await verifyAndSignIn(sent.phone, value);
        } catch (error) {
          const problem: LoginProblem = error instanceof RequestProblem ? error.problem : { code: "network_error", message: "" };
          const dead = ["expired", "locked", "not_found"].includes(problem.code);
          setState((s) => ({ ...s, codeError: problem, sent: s.sent && { ...s.sent, isDead: dead } }));
          if (problem.code !== "network_error") setCode("");
          requestAnimationFrame(() => codeRef.current?.focus());
          return;
        }
        setBusy("redirect");
        busyRef.current = true; // stays set: the page is going away
        setAnnounce("Verified. Signing you in…");
        // One navigation: the verify answer already carried the session cookie.
        window.location.assign(callbackUrl ?? "/account");
      });
    },
    [sent, codeLength, callbackUrl],
  );

  useWebOtp(state.stage === "code" && !isDead ? (sent?.verificationId ?? sent?.phone ?? null) : null, (otp) => {
    const digits = otp.replace(/\D/g, "").slice(0, codeLength);
    setCode(digits);
    submitCode(digits);
  });

  const hidden = (
    <>
      {callbackUrl && <input type="hidden" name="callbackUrl" value={callbackUrl} />}
    </>
  );
  const phoneProblem = state.phoneError ? problemText(state.phoneError, limits, timeZone) : null;
  const codeError = state.codeError ?? (hasExpired ? { code: "expired", message: "" } : undefined);
  const codeProblem = codeError ? problemText(codeError, limits, timeZone) : null;
  const isNetworkProblem = (state.stage === "code" ? state.codeError : state.phoneError)?.code === "network_error";
  const query = search.trim().toLowerCase().replace(/^\+/, "");
  const matches = (c: CountryOption) => !query || c.name.toLowerCase().includes(query) || c.dial.startsWith(query) || c.code.toLowerCase() === query;
  const isVerifying = busy === "verify" || busy === "redirect";
  const choices = channelOptions ? channelChoices(channelOptions, state.country) : [];

  return (
    <Card>
      {state.stage === "phone" && (
        <>
          <CardHeader title="Log in with your phone" description="We'll text you a one-time code. No password needed." />
          {signedInAs && (
            <p className="mb-4 rounded-lg bg-brand-50 px-3 py-2 text-sm text-slate-800 dark:bg-slate-800 dark:text-slate-200">
              You are already signed in as <span className="font-medium whitespace-nowrap">{signedInAs}</span>.{" "}
              <a href="/account" className="font-medium text-brand-700 underline underline-offset-4 dark:text-blue-300">
                Go to your account
              </a>
            </p>
          )}
          {notice && !state.phoneError && (
            <p role="status" className="mb-4 text-sm text-slate-700 dark:text-slate-300">
              {notice}
            </p>
          )}
          <form method="post" action="/login/send" onSubmit={onSubmitSendForm} noValidate className="space-y-2">
            {hidden}
            <Label htmlFor="country">Country</Label>
            {/* Space kept before hydration (invisible, inert), so the field appearing does not shift the page. */}
            <input
              type="search"
              aria-label="Search countries"
              disabled={!hydrated}
              aria-hidden={!hydrated || undefined}
              placeholder="Search countries"
              autoComplete="off"
              value={search}
              onChange={(event) => {
                const value = event.target.value;
                setSearch(value);
                const q = value.trim().toLowerCase().replace(/^\+/, "");
                const byDial = /^\d+$/.test(q) ? all.filter((c) => c.dial === q) : [];
                const first = !q
                  ? null
                  : (byDial.find((c) => c.isMain) ?? byDial[0] ?? all.find((c) => c.name.toLowerCase().startsWith(q)) ?? all.find((c) => c.name.toLowerCase().includes(q) || c.dial.startsWith(q)));
                if (first) setCountry(first.code);
              }}
              className={`${inputClassName} min-h-11 text-sm ${hydrated ? "" : "invisible"}`}
            />
            <div className="flex items-center gap-3">
              {selected && (
                // eslint-disable-next-line @next/next/no-img-element -- one small SVG per selected country, not worth the image optimiser
                <img src={`/flags/${selected.code}.svg`} alt="" width={30} height={20} className="h-5 w-[30px] shrink-0 rounded-sm border border-slate-200 dark:border-slate-700" />
              )}
              <select
                id="country"
                name="country"
                value={selected?.code}
                onChange={(event) => setCountry(event.target.value)}
                disabled={busy === "send" || busy === "have-code"}
                className={`${inputClassName} appearance-auto`}
              >
                {countries.region && (
                  <optgroup label={countries.region.name}>
                    {countries.region.countries.filter((c) => matches(c) || c.code === selected?.code).map((c) => (
                      <option key={`r-${c.code}`} value={c.code}>{`${c.name} (+${c.dial})`}</option>
                    ))}
                  </optgroup>
                )}
                <optgroup label="All countries">
                  {all
                    .filter((c) => !countries.region?.countries.some((r) => r.code === c.code))
                    .filter((c) => matches(c) || c.code === selected?.code)
                    .map((c) => (
                      <option key={c.code} value={c.code}>{`${c.name} (+${c.dial})`}</option>
                    ))}
                </optgroup>
              </select>
            </div>
            <div className="pt-2">
              <Label htmlFor="phone">Phone number</Label>
            </div>
            <input
              ref={phoneRef}
              id="phone"
              name="phone"
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              maxLength={32}
              placeholder={selected?.example}
              value={phone}
              onChange={(event) => {
                // Never reformatted while typing (a slow phone swaps digits); other scripts' digits become 0–9.
                const value = toAsciiDigits(event.target.value);
                setPhone(value);
                const detected = countryOfInput(value, all, country);
                if (detected && detected !== country) setCountry(detected);
                if (state.phoneError) setState((s) => ({ ...s, phoneError: undefined }));
              }}
              aria-invalid={(!!state.phoneError && !isNetworkProblem && state.phoneError.code !== "rate_limited") || undefined}
              aria-describedby="phone-hint phone-message"
              readOnly={busy === "send" || busy === "have-code"}
              className={inputClassName}
            />
            <p id="phone-hint" className="text-sm text-slate-600 dark:text-slate-300">
              Your number as you know it, or with its country code (+{selected?.dial ?? ""}).
            </p>
            <FieldMessage id="phone-message" neutral={isNetworkProblem || state.phoneError?.code === "rate_limited"}>
              {phoneProblem}
            </FieldMessage>
            <BotChallenge />
            <button type="submit" name="intent" value="send" className={`${primary} mt-2`} aria-busy={busy === "send" || undefined} disabled={busy === "send"}>
              {busy === "send" && <Spinner />}
              {busy === "send" ? "Checking…" : isNetworkProblem ? "Try again" : "Send code"}
            </button>
            <div className="flex justify-center pt-1">
              <button type="submit" name="intent" value="have-code" className={textButton} aria-busy={busy === "have-code" || undefined}>
                I already have a code
              </button>
            </div>
          </form>
        </>
      )}

      {state.stage === "confirm" && state.pending && (
        <>
          <CardHeader title="Is this your number?" description={channelOptions && choices.length ? channelOptions.strings.confirmDescription : "We'll send the code by SMS to:"} />
          <p className="mb-6 text-2xl font-semibold tracking-wide whitespace-nowrap" data-testid="confirm-phone">
            {state.pending.display}
          </p>
          {channelOptions && (
            <ChannelChoice
              options={channelOptions}
              kind="confirm"
              channels={choices}
              hidden={<>{hidden}<input type="hidden" name="phone" value={state.pending.phone} /><input type="hidden" name="country" value={state.country ?? country} /></>}
              onSubmit={onSubmitSendForm}
              isBusy={busy === "confirm"}
              firstButtonRef={confirmRef}
              primaryClassName={primary}
              secondaryClassName={secondary}
            />
          )}
          <form method="post" action="/login/send" onSubmit={onSubmitSendForm} className="space-y-3">
            {hidden}
            <BotChallenge />
            <input type="hidden" name="phone" value={state.pending.phone} />
            <input type="hidden" name="country" value={state.country ?? country} />
            <FieldMessage id="confirm-message" neutral={isNetworkProblem}>
              {phoneProblem}
            </FieldMessage>
            {!choices.length && (
              <button ref={confirmRef} type="submit" name="intent" value="confirm" className={primary} aria-busy={busy === "confirm" || undefined} disabled={busy === "confirm"}>
                {busy === "confirm" && <Spinner />}
                {busy === "confirm" ? "Sending code…" : "Yes, send the code"}
              </button>
            )}
            <button type="submit" name="intent" value="change" className={secondary}>
              No, change the number
            </button>
          </form>
        </>
      )}

      {state.stage === "code" && sent && (
        <>
          <CardHeader
            title="Enter your code"
            description={
              <>
                <p>
                  {sent.verificationId ? `We sent a ${codeLength}-digit code to` : "Enter the code we sent to"}{" "}
                  <span className="font-semibold whitespace-nowrap text-slate-900 dark:text-slate-100" data-testid="code-phone">
                    {sent.display}
                  </span>
                  .
                </p>
                <form method="post" action="/login/send" onSubmit={onSubmitSendForm} className="flex items-center">
                  {hidden}
                  <span className="text-sm">Wrong number?</span>
                  <button type="submit" name="intent" value="change" className={textButton} disabled={isVerifying}>
                    Change
                  </button>
                </form>
              </>
            }
          />
          {channelOptions && <SentByNote options={channelOptions} channel={sent.channel} />}
          <form
            method="post"
            action="/login/verify"
            onSubmit={(event) => {
              event.preventDefault();
              submitCode(code);
            }}
            noValidate
            className="space-y-2"
          >
            {hidden}
            <Label htmlFor="code">{codeLength}-digit code</Label>
            <input
              ref={codeRef}
              id="code"
              name="code"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={codeLength}
              value={code}
              onChange={(event) => {
                const digits = toAsciiDigits(event.target.value).replace(/\D/g, "").slice(0, codeLength);
                setCode(digits);
                if (state.codeError && digits && !isDead) setState((s) => ({ ...s, codeError: undefined }));
                if (digits.length === codeLength && !isDead) submitCode(digits);
              }}
              readOnly={isVerifying}
              disabled={isDead}
              aria-invalid={(!!state.codeError && !isDead && !isNetworkProblem) || undefined}
              aria-describedby="code-message code-expiry"
              className={`${inputClassName} text-center font-mono text-2xl tracking-[0.4em]`}
            />
            <FieldMessage id="code-message" neutral={isNetworkProblem}>
              {codeProblem}
            </FieldMessage>
            <p id="code-expiry" className="min-h-5 text-sm text-slate-600 dark:text-slate-300" data-testid="code-expiry">
              {!isDead && sent.expiresAt
                ? hydrated
                  ? expiresIn > 0
                    ? `The code expires in ${clockWait(expiresIn)}.`
                    : ""
                  : `The code works until ${formatClock(sent.expiresAt, timeZone)}.`
                : ""}
            </p>
            {!isDead && (
              <button type="submit" className={primary} aria-busy={isVerifying || undefined} disabled={isVerifying}>
                {isVerifying && <Spinner />}
                {isVerifying ? "Signing in…" : isNetworkProblem ? "Try again" : "Verify and sign in"}
              </button>
            )}
          </form>
          <form method="post" action="/login/send" onSubmit={onSubmitSendForm} className={isDead ? "mt-2" : "mt-4 flex flex-wrap items-center gap-x-1 text-sm text-slate-600 dark:text-slate-300"}>
            {hidden}
            <BotChallenge />
            {!isDead && <span>Didn&apos;t get it?</span>}
            <button
              ref={resendRef}
              type="submit"
              name="intent"
              value="resend"
              // Focusable while counting down (aria-disabled, not disabled), so focus can rest on it.
              aria-disabled={resendIn > 0 || isVerifying || busy === "resend" || undefined}
              aria-busy={busy === "resend" || undefined}
              className={isDead ? primary : textButton}
            >
              {busy === "resend" && <Spinner />}
              {(() => {
                const label = isDead ? "Send a new code" : "Resend code";
                if (busy === "resend") return "Sending…";
                if (resendIn > 0) return hydrated ? `${label} in ${resendIn} s` : `${label} (from ${formatClock(sent.resendAfter ?? 0, timeZone, "time-seconds")})`;
                return label;
              })()}
            </button>
          </form>
          {/* The other channels, after the resend wait (without JavaScript always: the server keeps the wait). */}
          {channelOptions && (!hydrated || resendIn === 0) && (
            <ChannelChoice
              options={channelOptions}
              kind="resend"
              channels={choices}
              current={sent.channel ?? "sms"}
              hidden={hidden}
              onSubmit={onSubmitSendForm}
              isBusy={busy === "resend"}
              isDisabled={isVerifying}
              primaryClassName={textButton}
              secondaryClassName={textButton}
            />
          )}
        </>
      )}

      <p role="status" aria-live="polite" className="sr-only" data-testid="login-announcer">
        {announce || state.notice}
      </p>
      {state.notice && state.stage === "code" && <p className="mt-3 text-sm text-slate-700 dark:text-slate-300">{state.notice}</p>}

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
