"use client";

/**
 * The login form's channel buttons (docs/channels.md): "Send by WhatsApp" / "Send by SMS" when the
 * number is confirmed, and after the resend wait "Send by SMS instead" / "Call me instead". Each
 * button is its own small form posting `intent` and `channel` to /login/send, so it works without
 * JavaScript; with it, the login form's own submit handler sends it as a fetch. Only the channels
 * CHANNEL_ROUTES lists for the number's country are shown; the server checks the same list.
 */
import type { FormEvent, ReactNode, Ref } from "react";
import { useState } from "react";
import type { ChannelStrings } from "@/lib/login/channel-options";
import { offeredChannels, type ChannelRoutes } from "@/lib/login/channels";
import type { Channel } from "@/lib/sms/routes";

export type ChannelOptions = { routes: ChannelRoutes; strings: ChannelStrings };

/** The channels offered for `country`; a choice to show only when it is not plain SMS. */
export function channelChoices(options: ChannelOptions, country: string | undefined): Channel[] {
  const offered = offeredChannels(options.routes, country);
  return offered.length === 1 && offered[0] === "sms" ? [] : offered;
}

type Props = {
  options: ChannelOptions;
  /** confirm: the first send ("Send by …"); resend: the other channels ("… instead"). */
  kind: "confirm" | "resend";
  channels: Channel[];
  /** resend: the channel the current code went by (not offered again here: "Resend code" does that). */
  current?: Channel;
  /** Hidden fields every send form carries (callbackUrl; confirm: phone and country). */
  hidden: ReactNode;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  isBusy: boolean;
  isDisabled?: boolean;
  firstButtonRef?: Ref<HTMLButtonElement>;
  primaryClassName: string;
  secondaryClassName: string;
};

export function ChannelChoice({ options, kind, channels, current, hidden, onSubmit, isBusy, isDisabled, firstButtonRef, primaryClassName, secondaryClassName }: Props) {
  const [pressed, setPressed] = useState<Channel | null>(null);
  const shown = kind === "resend" ? channels.filter((c) => c !== current) : channels;
  if (!shown.length) return null;
  const { strings } = options;
  return (
    <div className={kind === "confirm" ? "space-y-3" : "mt-2 flex flex-wrap gap-x-3"} data-testid={`channel-${kind}`}>
      {shown.map((channel, i) => (
        <form key={channel} method="post" action="/login/send" onSubmit={onSubmit}>
          {hidden}
          <input type="hidden" name="channel" value={channel} />
          <button
            ref={i === 0 ? firstButtonRef : undefined}
            type="submit"
            name="intent"
            value={kind}
            onClick={() => setPressed(channel)}
            aria-disabled={isDisabled || isBusy || undefined}
            aria-busy={(isBusy && pressed === channel) || undefined}
            className={kind === "confirm" && i === 0 ? primaryClassName : secondaryClassName}
          >
            {isBusy && pressed === channel ? strings.sending[channel] : kind === "confirm" ? strings.sendBy[channel] : strings.instead[channel]}
          </button>
        </form>
      ))}
    </div>
  );
}

/** One line under the code step's heading saying how the code travels, for WhatsApp and calls. */
export function SentByNote({ options, channel }: { options: ChannelOptions; channel: Channel | undefined }) {
  if (!channel || channel === "sms") return null;
  return (
    <p className="mb-3 text-sm text-slate-700 dark:text-slate-300" data-testid="sent-by">
      {options.strings.sentBy[channel]}
    </p>
  );
}
