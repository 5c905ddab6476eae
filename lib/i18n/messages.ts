/**
 * The message files, one per shipped locale, loaded on the server only (pages pass plain strings to
 * client components, so no message file reaches the browser's JavaScript). `satisfies` makes the
 * type checker refuse a file whose keys differ from English's; lib/i18n/messages.test.ts checks the
 * same at run time, with the ICU syntax and arguments.
 */
import "server-only";
import ar from "@/messages/ar.json";
import en from "@/messages/en.json";
import fr from "@/messages/fr.json";
import sw from "@/messages/sw.json";
import type { Locale } from "./locales";

export type Messages = typeof en;

export const MESSAGES = { en, sw, fr, ar } satisfies Record<Locale, Messages>;
