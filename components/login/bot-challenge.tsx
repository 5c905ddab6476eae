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

type Widget = { render(el: HTMLElement, opts: Record<string, unknown>): string; reset(id?: string): void };

let prepared: Promise<string | undefined> | null = null;
let solution: string | undefined;
let waiting = false;
let widgetToken: { value?: string; resolve?: (token: string) => void; reset?: () => void } = {};
let widgetConfig: Extract<Challenge, { siteKey: string }> | null = null;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

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
    if (c.mode === "off") return undefined;
    if (c.provider !== "altcha" && "siteKey" in c) {
      widgetConfig = c;
      notify();
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

  // Turnstile / hCaptcha: load the provider's script once and render its widget here.
  useEffect(() => {
    const config = widgetConfig;
    const el = widgetRef.current;
    if (!config || !el || el.dataset.rendered) return;
    el.dataset.rendered = "1";
    const global = config.provider === "turnstile" ? "turnstile" : "hcaptcha";
    const render = () => {
      const widget = (window as unknown as Record<string, Widget | undefined>)[global];
      if (!widget) return;
      const id = widget.render(el, {
        sitekey: config.siteKey,
        callback: (token: string) => {
          widgetToken.value = token;
          widgetToken.resolve?.(token);
        },
      });
      widgetToken.reset = () => widget.reset(id);
    };
    const script = document.createElement("script");
    script.src = config.scriptUrl;
    script.async = true;
    script.onload = render;
    document.head.appendChild(script);
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
