/** The message files, one per shipped locale, loaded once (server code; pages use next-intl's own loading). */
import ar from "@/messages/ar.json";
import en from "@/messages/en.json";
import fr from "@/messages/fr.json";
import sw from "@/messages/sw.json";
import type { Locale } from "./locales";

export type Messages = typeof en;

export const MESSAGES: Record<Locale, Messages> = { en, sw, fr, ar };
