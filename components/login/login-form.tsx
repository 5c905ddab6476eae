"use client";

import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { FieldMessage, Label, inputClassName } from "@/components/ui/input";
import type { CountryGroups, CountryOption } from "@/lib/login/countries";
import { toAsciiDigits } from "@/lib/digits";
import { directionOf, type Locale } from "@/lib/i18n/locales";
import type { LoginProblem, LoginState } from "@/lib/login/state";
import type { LoginTexts } from "@/lib/login/texts";
import { formFields, postLoginForm, RequestProblem, verifyAndSignIn } from "./api";
import { BotChallenge, challengeIfReady, takeChallenge } from "./bot-challenge";
import { ChannelChoice, channelChoices, SentByNote, type ChannelOptions } from "./channel-choice";
import { formatClock, useHydrated, useTimeZone } from "./local-time";
import { clockWait, problemText } from "./messages";
import { fillNodes, Ltr } from "./texts";
import { useCountdown } from "./use-countdown";
import { useWebOtp } from "./use-web-otp";

export type LoginFormProps = {
  initial: LoginState;
  /** The page's language: dates and times, and the SMS (sent with every send form). */
  locale: Locale;
  /** Every word of the form, in that language (lib/login/texts.ts). */
  texts: LoginTexts;
  countries: CountryGroups;
  defaultCountry: string;
  codeLength: number;
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
 * Set when Back left the code or confirm step. It lives in the document, not the component, so a
 * render from the server's view after Back (the cookie still says "code") stays on the number.
 */
let wentBackToNumber = false;

const hasStepMarker = () => !!(window.history.state as { loginStep?: string } | null)?.loginStep;

/** "Kenya (+254)"; in right-to-left text the dial code is isolated left to right (U+2066…U+2069), or it would read "(254+)". */
const optionLabel = (c: CountryOption, isRtl: boolean) => (isRtl ? `${c.name} (\u2066+${c.dial}\u2069)` : `${c.name} (+${c.dial})`);

function Spinner() {
  return (
    <svg className="size-4 animate-spin motion-reduce:animate-none" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity="0.3" strokeWidth="4" />
      <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="4" strokeLinecap="round" />
    </svg>
  );
}

export function LoginForm({ initial, locale, texts, countries, defaultCountry, codeLength, showDevInbox, callbackUrl, signedInAs, notice, channelOptions }: LoginFormProps) {
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
      setAnnounce(isDead ? texts.canSendNew : texts.canAskNew);
    }
  }, [resendIn, isDead, texts]);

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
        // A send (confirm, resend) carries a bot-challenge solution when one is needed or ready; a plain
        // "send" usually only asks "Is … correct?", so it goes with what the hidden field holds. If the
        // server asks for a challenge after all, once more with a fresh one (waiting for it).
        const sends = intent === "confirm" || intent === "resend";
        let next = await postLoginForm(form, submitter, sends ? challengeIfReady : undefined, fields);
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
        setState((s) => ({ ...s, codeError: { code: "validation_error", message: "", reason: "code_incomplete" } }));
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
        setAnnounce(texts.verified);
        // One navigation: the verify answer already carried the session cookie. A plain one: this
        // page runs outside the App Router (docs/login.md, "Why /login is not an App Router page").
        window.location.assign(callbackUrl ?? "/account");
      });
    },
    [sent, codeLength, callbackUrl, texts],
  );

  useWebOtp(state.stage === "code" && !isDead ? (sent?.verificationId ?? sent?.phone ?? null) : null, (otp) => {
    const digits = otp.replace(/\D/g, "").slice(0, codeLength);
    setCode(digits);
    submitCode(digits);
  });

  const hidden = (
    <>
      {callbackUrl && <input type="hidden" name="callbackUrl" value={callbackUrl} />}
      <input type="hidden" name="locale" value={locale} />
    </>
  );
  const phoneProblem = state.phoneError ? problemText(state.phoneError, texts, timeZone, locale) : null;
  const codeError = state.codeError ?? (hasExpired ? { code: "expired", message: "" } : undefined);
  const codeProblem = codeError ? problemText(codeError, texts, timeZone, locale) : null;
  const isNetworkProblem = (state.stage === "code" ? state.codeError : state.phoneError)?.code === "network_error";
  const query = search.trim().toLowerCase().replace(/^\+/, "");
  const matches = (c: CountryOption) => !query || c.name.toLowerCase().includes(query) || c.dial.startsWith(query) || c.code.toLowerCase() === query;
  const isVerifying = busy === "verify" || busy === "redirect";
  const noticeText = state.notice ? texts.notices[state.notice] : undefined;
  const isRtl = directionOf(locale) === "rtl";
  const choices = channelOptions ? channelChoices(channelOptions, state.country) : [];

  return (
    <Card>
      {state.stage === "phone" && (
        <>
          <CardHeader title={texts.phoneTitle} description={texts.phoneDescription} />
          {signedInAs && (
            <p className="mb-4 rounded-lg bg-brand-50 px-3 py-2 text-sm text-slate-800 dark:bg-slate-800 dark:text-slate-200">
              {fillNodes(texts.alreadySignedInAs, { phone: <Ltr className="font-medium whitespace-nowrap">{signedInAs}</Ltr> })}{" "}
              <a href="/account" className="font-medium text-brand-700 underline underline-offset-4 dark:text-blue-300">
                {texts.goToAccount}
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
            <Label htmlFor="country">{texts.country}</Label>
            {/* Space kept before hydration (invisible, inert), so the field appearing does not shift the page. */}
            <input
              type="search"
              aria-label={texts.searchCountries}
              disabled={!hydrated}
              aria-hidden={!hydrated || undefined}
              placeholder={texts.searchCountries}
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
                      <option key={`r-${c.code}`} value={c.code}>{optionLabel(c, isRtl)}</option>
                    ))}
                  </optgroup>
                )}
                <optgroup label={texts.allCountries}>
                  {all
                    .filter((c) => !countries.region?.countries.some((r) => r.code === c.code))
                    .filter((c) => matches(c) || c.code === selected?.code)
                    .map((c) => (
                      <option key={c.code} value={c.code}>{optionLabel(c, isRtl)}</option>
                    ))}
                </optgroup>
              </select>
            </div>
            <div className="pt-2">
              <Label htmlFor="phone">{texts.phoneNumber}</Label>
            </div>
            <input
              ref={phoneRef}
              id="phone"
              name="phone"
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              maxLength={32}
              // A number is typed and read left to right in every language.
              dir="ltr"
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
              {fillNodes(texts.phoneHint, { dial: <Ltr>+{selected?.dial ?? ""}</Ltr> })}
            </p>
            <FieldMessage id="phone-message" neutral={isNetworkProblem || state.phoneError?.code === "rate_limited"}>
              {phoneProblem}
            </FieldMessage>
            <BotChallenge checkingText={texts.checkingBrowser} />
            <button type="submit" name="intent" value="send" className={`${primary} mt-2`} aria-busy={busy === "send" || undefined} disabled={busy === "send"}>
              {busy === "send" && <Spinner />}
              {busy === "send" ? texts.checking : isNetworkProblem ? texts.tryAgain : texts.sendCode}
            </button>
            <div className="flex justify-center pt-1">
              <button type="submit" name="intent" value="have-code" className={textButton} aria-busy={busy === "have-code" || undefined}>
                {texts.haveCode}
              </button>
            </div>
          </form>
        </>
      )}

      {state.stage === "confirm" && state.pending && (
        <>
          <CardHeader title={texts.confirmTitle} description={channelOptions && choices.length ? channelOptions.strings.confirmDescription : texts.confirmDescription} />
          <p dir="ltr" className="mb-6 text-2xl font-semibold tracking-wide whitespace-nowrap rtl:text-right" data-testid="confirm-phone">
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
            <BotChallenge checkingText={texts.checkingBrowser} />
            <input type="hidden" name="phone" value={state.pending.phone} />
            <input type="hidden" name="country" value={state.country ?? country} />
            <FieldMessage id="confirm-message" neutral={isNetworkProblem}>
              {phoneProblem}
            </FieldMessage>
            {!choices.length && (
              <button ref={confirmRef} type="submit" name="intent" value="confirm" className={primary} aria-busy={busy === "confirm" || undefined} disabled={busy === "confirm"}>
                {busy === "confirm" && <Spinner />}
                {busy === "confirm" ? texts.sendingCode : texts.confirmYes}
              </button>
            )}
            <button type="submit" name="intent" value="change" className={secondary}>
              {texts.confirmNo}
            </button>
          </form>
        </>
      )}

      {state.stage === "code" && sent && (
        <>
          <CardHeader
            title={texts.codeTitle}
            description={
              <>
                <p>
                  {fillNodes(sent.verificationId ? texts.codeSentTo : texts.codeEnterSentTo, {
                    phone: (
                      <Ltr className="font-semibold whitespace-nowrap text-slate-900 dark:text-slate-100">
                        <span data-testid="code-phone">{sent.display}</span>
                      </Ltr>
                    ),
                  })}
                </p>
                <form method="post" action="/login/send" onSubmit={onSubmitSendForm} className="flex items-center">
                  {hidden}
                  <span className="text-sm">{texts.wrongNumber}</span>
                  <button type="submit" name="intent" value="change" className={textButton} disabled={isVerifying}>
                    {texts.change}
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
            <Label htmlFor="code">{texts.codeLabel}</Label>
            <input
              ref={codeRef}
              id="code"
              name="code"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={codeLength}
              // The code reads left to right in every language ("123", never "321").
              dir="ltr"
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
                    ? fillNodes(texts.expiresIn, { time: <Ltr>{clockWait(expiresIn)}</Ltr> })
                    : ""
                  : fillNodes(texts.worksUntil, { time: <Ltr>{formatClock(sent.expiresAt, timeZone, "time", locale)}</Ltr> })
                : ""}
            </p>
            {!isDead && (
              <button type="submit" className={primary} aria-busy={isVerifying || undefined} disabled={isVerifying}>
                {isVerifying && <Spinner />}
                {isVerifying ? texts.signingIn : isNetworkProblem ? texts.tryAgain : texts.verify}
              </button>
            )}
          </form>
          <form method="post" action="/login/send" onSubmit={onSubmitSendForm} className={isDead ? "mt-2" : "mt-4 flex flex-wrap items-center gap-x-1 text-sm text-slate-600 dark:text-slate-300"}>
            {hidden}
            <BotChallenge checkingText={texts.checkingBrowser} />
            {!isDead && <span>{texts.didntGetIt}</span>}
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
              {/* One flex item: a flex container would drop the spaces around the isolated seconds. */}
              <span>
              {(() => {
                const label = isDead ? texts.sendNewCode : texts.resendCode;
                if (busy === "resend") return texts.sending;
                if (resendIn > 0) {
                  return hydrated
                    ? fillNodes(texts.resendIn, { label, seconds: <Ltr>{resendIn}</Ltr> })
                    : fillNodes(texts.resendFrom, { label, time: <Ltr>{formatClock(sent.resendAfter ?? 0, timeZone, "time-seconds", locale)}</Ltr> });
                }
                return label;
              })()}
              </span>
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
        {announce || noticeText}
      </p>
      {noticeText && state.stage === "code" && <p className="mt-3 text-sm text-slate-700 dark:text-slate-300">{noticeText}</p>}

      {showDevInbox && (
        <p className="mt-6 rounded-lg border border-dashed border-amber-500 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-400/60 dark:bg-amber-950/40 dark:text-amber-100">
          {texts.devMode}{" "}
          <a href="/dev/inbox" target="_blank" rel="noopener" className="font-medium underline underline-offset-4">
            {texts.devInbox}
          </a>
        </p>
      )}
    </Card>
  );
}
