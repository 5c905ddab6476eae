"use client";

/**
 * The bot challenge of the send form (docs/abuse.md), self-contained: it fetches a challenge from
 * GET /api/otp/challenge as soon as the page loads and solves it in the background (ALTCHA proof of
 * work in a Web Worker, nothing to click), or renders the Turnstile / hCaptcha widget when the
 * operator chose one. `takeChallenge()` hands the solution to the next send and starts on the next
 * one; the hidden `challenge` input carries it in the form. While a send waits for a solution the
 * component says "Checking your browser…" (in the page's language) in a polite live region.
 */
import { useEffect, useRef, useSyncExternalStore } from "react";

type Challenge =
  | { provider: string; mode: "off" }
  | { provider: "altcha"; mode: "adaptive" | "always"; algorithm: string; challenge: string; maxnumber?: number; salt: string; signature: string }
  | { provider: "turnstile" | "hcaptcha"; mode: "adaptive" | "always"; siteKey: string; scriptUrl: string };

type Widget = { render(el: HTMLElement, opts: Record<string, unknown>): string; reset(id?: string): void; remove?(id: string): void };

let prepared: Promise<string | undefined> | null = null;
let solution: string | undefined;
/** The server's OTP_CHALLENGE mode, known once the first challenge has been fetched. */
let mode: Challenge["mode"] | undefined;
let waiting = false;
let widgetToken: { value?: string; resolve?: (token: string) => void; reset?: () => void } = {};
let widgetConfig: Extract<Challenge, { siteKey: string }> | null = null;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

let widgetScript: Promise<Widget | undefined> | null = null;
let widgetFailed = false;

/** The provider's script (OTP_CHALLENGE_SCRIPT_URL), added once; undefined when it cannot load (offline, blocked). */
function loadWidget(config: Extract<Challenge, { siteKey: string }>): Promise<Widget | undefined> {
  const global = config.provider === "turnstile" ? "turnstile" : "hcaptcha";
  widgetScript ??= new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = config.scriptUrl;
    script.async = true;
    script.onload = () => resolve((window as unknown as Record<string, Widget | undefined>)[global]);
    script.onerror = () => {
      // The send goes without a token (the server answers challenge_required) instead of waiting forever.
      widgetFailed = true;
      widgetToken.resolve?.("");
      resolve(undefined);
    };
    document.head.appendChild(script);
  });
  return widgetScript;
}

/** The worker's script (bot-challenge.worker.ts, built beside the page's bundle by scripts/login-bundle.mjs). */
let workerUrl: string | undefined;

/** Where the proof-of-work worker is served; without one the work runs on the main thread. */
export function setChallengeWorkerUrl(url: string | undefined) {
  workerUrl = url;
}

function solveInWorker(c: Extract<Challenge, { provider: "altcha" }>): Promise<number | null> {
  const work = { challenge: c.challenge, salt: c.salt, algorithm: c.algorithm, max: c.maxnumber ?? 1_000_000 };
  if (!workerUrl) return solveOnMainThread(work);
  try {
    const worker = new Worker(workerUrl, { type: "module" });
    return new Promise((resolve) => {
      worker.onmessage = (event: MessageEvent<{ number: number } | null>) => {
        worker.terminate();
        resolve(event.data?.number ?? null);
      };
      worker.onerror = () => {
        worker.terminate();
        resolve(solveOnMainThread(work));
      };
      worker.postMessage(work);
    });
  } catch {
    return solveOnMainThread(work); // no Worker (old browser, strict CSP): same work, main thread
  }
}

async function solveOnMainThread(work: { challenge: string; salt: string; algorithm: string; max: number }): Promise<number | null> {
  const { solveChallenge } = await import("altcha-lib/v1");
  return (await solveChallenge(work.challenge, work.salt, work.algorithm, work.max).promise)?.number ?? null;
}

async function prepare(): Promise<string | undefined> {
  try {
    const res = await fetch("/api/otp/challenge", { cache: "no-store", signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return undefined;
    const c = (await res.json()) as Challenge;
    mode = c.mode;
    if (c.mode === "off") return undefined;
    if (c.provider !== "altcha" && "siteKey" in c) {
      widgetConfig = c;
      notify();
      if (widgetFailed) return undefined;
      return new Promise<string>((resolve) => {
        if (widgetToken.value) resolve(widgetToken.value);
        else widgetToken.resolve = resolve;
      });
    }
    if (!("salt" in c)) return undefined;
    const number = await solveInWorker(c);
    if (number === null) return undefined;
    return btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number, salt: c.salt, signature: c.signature }));
  } catch {
    return undefined; // the server answers challenge_required if it needed one; the send retries once
  }
}

function startPreparing() {
  prepared = prepare().then((value) => {
    solution = value;
    notify();
    return value;
  });
}

/** The solution for the next send (undefined when none is needed or none could be made). */
export async function takeChallenge(): Promise<string | undefined> {
  if (!prepared) startPreparing();
  waiting = true;
  notify();
  try {
    return await prepared!;
  } finally {
    waiting = false;
    solution = undefined;
    if (widgetConfig) {
      widgetToken = { reset: widgetToken.reset };
      widgetToken.reset?.();
    }
    startPreparing(); // single-use: get the next one ready in the background
  }
}

/**
 * The solution for a send that may not need one. With OTP_CHALLENGE=adaptive the server asks only
 * while risk is elevated, so the send does not wait for a proof of work still being computed (seconds
 * on a slow phone): it goes without, and the form solves only if the server answers challenge_required.
 */
export async function challengeIfReady(): Promise<string | undefined> {
  if (mode === "adaptive" && solution === undefined) return undefined;
  return takeChallenge();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
const snapshot = () => `${waiting ? 1 : 0}|${solution ?? ""}|${widgetConfig?.provider ?? ""}`;

/** `checkingText`: "Checking your browser…" in the page's language. */
export function BotChallenge({ checkingText }: { checkingText: string }) {
  const state = useSyncExternalStore(subscribe, snapshot, () => "0||");
  const [isWaiting, value, provider] = state.split("|");
  const widgetRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!prepared) startPreparing();
  }, []);

  // Turnstile / hCaptcha: the provider's script is loaded once per page; each mounted step renders
  // its own widget and removes it when it goes (the providers warn about widgets left behind).
  useEffect(() => {
    const config = widgetConfig;
    const el = widgetRef.current;
    if (!config || !el) return;
    let cancelled = false;
    let rendered: { widget: Widget; id: string } | undefined;
    void loadWidget(config).then((widget) => {
      if (cancelled || !widget) return;
      const id = widget.render(el, {
        sitekey: config.siteKey,
        callback: (token: string) => {
          widgetToken.value = token;
          widgetToken.resolve?.(token);
        },
      });
      rendered = { widget, id };
      widgetToken.reset = () => widget.reset(id);
    });
    return () => {
      cancelled = true;
      rendered?.widget.remove?.(rendered.id);
    };
  }, [provider]);

  return (
    <>
      <input type="hidden" name="challenge" value={value} />
      {provider && <div ref={widgetRef} className="mt-2" />}
      {isWaiting === "1" && !value && (
        <p role="status" aria-live="polite" className="text-sm text-slate-600 dark:text-slate-300">
          {checkingText}
        </p>
      )}
    </>
  );
}
