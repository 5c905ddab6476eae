import "server-only";
import type { Env } from "../env";
import type { SmsMessageRequest, SmsProvider } from "./types";

/** A message captured by the console provider, readable at /dev/inbox and by tests. */
export type OutboxMessage = {
  id: string;
  to: string;
  text: string;
  purpose: string;
  createdAt: Date;
};

export const OUTBOX_LIMIT = 200;

export type ConsoleProviderConfig = Pick<Env, "isProduction" | "SMS_ALLOW_CONSOLE_IN_PRODUCTION">;

// Cached on globalThis: Next.js may load this module more than once (hot reload, separate route
// bundles), and every copy must see the same outbox.
const globalForOutbox = globalThis as unknown as { __smsOutbox?: { messages: OutboxMessage[]; seq: number } };

function outbox() {
  globalForOutbox.__smsOutbox ??= { messages: [], seq: 0 };
  return globalForOutbox.__smsOutbox;
}

export class ConsoleProviderRefusedError extends Error {
  constructor() {
    super(
      "SMS provider 'console' prints codes to the log and is refused in production; use mshastra or twilio (or SMS_ALLOW_CONSOLE_IN_PRODUCTION=1 for a throwaway server)",
    );
    this.name = "ConsoleProviderRefusedError";
  }
}

/** Throws unless the console provider is allowed under this configuration. */
export function assertConsoleAllowed(config: ConsoleProviderConfig): void {
  if (config.isProduction && !config.SMS_ALLOW_CONSOLE_IN_PRODUCTION) throw new ConsoleProviderRefusedError();
}

/** Newest first; only messages to `to` when given. Copies, so callers cannot alter the outbox. */
export function listOutbox(to?: string): OutboxMessage[] {
  return outbox()
    .messages.filter((m) => !to || m.to === to)
    .map((m) => ({ ...m }));
}

export function latestOutboxMessage(to: string): OutboxMessage | undefined {
  const found = outbox().messages.find((m) => m.to === to);
  return found && { ...found };
}

export function clearOutbox(): void {
  outbox().messages.length = 0;
}

/** The code in an outbox text: the WebOTP "#code" when present, else the first 4-10 digit run. */
export function findCode(text: string): string | undefined {
  return /#(\d{4,10})\s*$/.exec(text)?.[1] ?? /(?<!\d)(\d{4,10})(?!\d)/.exec(text)?.[1];
}

function record(message: SmsMessageRequest, now: Date): OutboxMessage {
  const box = outbox();
  box.seq += 1;
  const entry: OutboxMessage = { id: `console-${now.getTime()}-${box.seq}`, to: message.to, text: message.text, purpose: message.purpose, createdAt: now };
  box.messages.unshift(entry);
  if (box.messages.length > OUTBOX_LIMIT) box.messages.length = OUTBOX_LIMIT;
  return entry;
}

/**
 * The development provider: prints the message (code included, that is its purpose) to the server
 * log and keeps it in the outbox. Refused in production unless explicitly allowed.
 */
export function createConsoleProvider(config: ConsoleProviderConfig, opts: { now?: () => Date } = {}): SmsProvider {
  assertConsoleAllowed(config);
  const now = opts.now ?? (() => new Date());
  return {
    name: "console",
    async send(message) {
      const entry = record(message, now());
      console.log(`[sms:console] to=${message.to} purpose=${message.purpose} text=${JSON.stringify(message.text)}`);
      return { provider: "console", ok: true, status: "sent", providerMessageId: entry.id, transient: false };
    },
  };
}

/** The outbox (page and API) exists only when the console provider is configured. */
export function isOutboxEnabled(config: Pick<Env, "SMS_PROVIDER">): boolean {
  return config.SMS_PROVIDER.includes("console");
}

/** An outbox message as the dev API and page send it. */
export type OutboxMessageJson = { id: string; to: string; text: string; purpose: string; code: string | null; createdAt: string };

export function outboxMessageJson(m: OutboxMessage): OutboxMessageJson {
  return { id: m.id, to: m.to, text: m.text, purpose: m.purpose, code: findCode(m.text) ?? null, createdAt: m.createdAt.toISOString() };
}

/** `?to=` as typed: a "+" left unencoded arrives as a space, so digits-only input gets its "+" back. */
export function normaliseOutboxFilter(to: string | null | undefined): string | undefined {
  const value = to?.trim().replace(/[\s()-]/g, "");
  if (!value) return undefined;
  return value.startsWith("+") ? value : `+${value}`;
}
