/**
 * What the login page needs for its channel buttons: CHANNEL_ROUTES as a plain object, and the
 * buttons' words (messages/*.json, namespace "channel"), formatted on the server and
 * passed to the form as props. English until the login form's translation lands; then the page
 * reads them with next-intl's getTranslations("channel") for the request's locale instead.
 */
import "server-only";
import { createTranslator } from "next-intl";
import en from "@/messages/en.json";
import { env } from "@/lib/env";
import { CHANNELS, parseChannelRoutes, type Channel } from "@/lib/sms/routes";
import type { ChannelRoutes } from "./channels";
import type { Locale } from "@/lib/i18n/locales";

/** CHANNEL_ROUTES (validated at start) for the login page and its form posts. */
export function loginChannelRoutes(): ChannelRoutes {
  return Object.fromEntries(parseChannelRoutes(env().CHANNEL_ROUTES));
}

export type ChannelStrings = {
  confirmDescription: string;
  sendBy: Record<Channel, string>;
  instead: Record<Channel, string>;
  sentBy: Record<Channel, string>;
  sending: Record<Channel, string>;
  notOffered: Record<Channel, string>;
};

type Messages = { channel: typeof en.channel };

export function channelStrings(messages: Messages = en, locale: Locale = "en"): ChannelStrings {
  const t = createTranslator({ locale, messages, namespace: "channel" });
  const each = (pick: (c: Channel) => string) => Object.fromEntries(CHANNELS.map((c) => [c, pick(c)])) as Record<Channel, string>;
  return {
    confirmDescription: t("confirmDescription"),
    sendBy: each((c) => t(`sendBy.${c}`)),
    instead: each((c) => t(`instead.${c}`)),
    sentBy: each((c) => t(`sentBy.${c}`)),
    sending: each((channel) => t("sending", { channel })),
    notOffered: each((channel) => t("notOffered", { channel })),
  };
}
