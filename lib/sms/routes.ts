/**
 * SMS_ROUTES and CHANNEL_ROUTES: an order per destination country, e.g.
 * `TZ:mshastra,africastalking;KE:africastalking;*:twilio`. Shared by lib/env (start-up checks) and
 * the sender; no server-only import so the configuration module can use it.
 */
import { isSupportedCountry } from "libphonenumber-js/max";
import { SMS_PROVIDER_NAMES, type SmsProviderName } from "./types";

/** Parses `CC:a,b;CC2:c;*:d` into country → ordered names. Throws one line naming the first problem. */
export function parseRoutes<T extends string>(variable: string, value: string, allowed: readonly T[]): Map<string, T[]> {
  const routes = new Map<string, T[]>();
  for (const raw of value.split(";").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]{2}|\*)\s*:\s*(.+)$/.exec(raw);
    if (!m) throw new Error(`${variable}: '${raw}' must look like TZ:${allowed[0]},${allowed[1] ?? allowed[0]} (a country code or *, a colon, a comma-separated list)`);
    const country = m[1].toUpperCase();
    if (country !== "*" && !isSupportedCountry(country)) throw new Error(`${variable}: '${country}' is not an ISO 3166-1 country code with a numbering plan`);
    if (routes.has(country)) throw new Error(`${variable}: '${country}' is listed twice`);
    const names = m[2].split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
    const unknown = names.find((n) => !(allowed as readonly string[]).includes(n));
    if (unknown) throw new Error(`${variable}: unknown '${unknown}' for ${country} (use ${allowed.join(", ")})`);
    if (new Set(names).size !== names.length) throw new Error(`${variable}: ${country} lists the same entry twice`);
    if (names.length === 0) throw new Error(`${variable}: ${country} lists nothing`);
    routes.set(country, names as T[]);
  }
  return routes;
}

export function parseSmsRoutes(value: string): Map<string, SmsProviderName[]> {
  return parseRoutes("SMS_ROUTES", value, SMS_PROVIDER_NAMES);
}

export const CHANNELS = ["sms", "whatsapp", "voice"] as const;
export type Channel = (typeof CHANNELS)[number];

export function parseChannelRoutes(value: string): Map<string, Channel[]> {
  return parseRoutes("CHANNEL_ROUTES", value, CHANNELS);
}

/** The order for a country: its own route, else `*`, else the fallback (SMS_PROVIDER). */
export function routeFor<T>(routes: Map<string, T[]>, country: string | undefined, fallback: T[]): T[] {
  return (country && routes.get(country.toUpperCase())) || routes.get("*") || fallback;
}
