/**
 * Which channels the login page offers for a number, and what a press of a channel button asks
 * sendOtp for. Pure (no server-only): the page computes the offer on the server, the form in the
 * browser for the number in play, from the same CHANNEL_ROUTES.
 */
// Types only: lib/sms/routes loads libphonenumber's full metadata, which the browser must not download.
import type { RequestedChannel } from "@/lib/sms/channels";
import type { Channel } from "@/lib/sms/routes";

/** CHANNEL_ROUTES as a plain object (country or "*" → channels in order), to pass to the browser. */
export type ChannelRoutes = Record<string, Channel[]>;

/**
 * The channels offered for a number of `country`: exactly those its CHANNEL_ROUTES entry (else `*`)
 * lists, in that order — the operator enables a channel for a country by listing it, and the start
 * refuses a listed channel that is not configured. SMS alone when no route says otherwise.
 */
export function offeredChannels(routes: ChannelRoutes, country: string | undefined): Channel[] {
  // The same lookup as routeFor in lib/sms/routes: the country's own route, else `*`, else SMS.
  return (country && routes[country.toUpperCase()]) || routes["*"] || ["sms"];
}

export function isChannel(value: unknown): value is Channel {
  return value === "sms" || value === "whatsapp" || value === "voice";
}

/**
 * What sendOtp is asked for: the channel pressed, else the one the last code went by, else the
 * first offered. The first offered channel goes as `auto`, so the country's configured fallback
 * (e.g. WhatsApp → SMS when the person is not on WhatsApp) still applies; any other goes as itself.
 * null: the channel is not offered for this number.
 */
export function requestedChannel(choice: string | null | undefined, previous: Channel | undefined, offered: Channel[]): RequestedChannel | null {
  const wanted = choice ? choice : (previous && offered.includes(previous) ? previous : offered[0]);
  if (!isChannel(wanted) || !offered.includes(wanted)) return null;
  return wanted === offered[0] ? "auto" : wanted;
}
