/**
 * The API's error messages in every shipped locale (the `api` namespace of messages/<locale>.json),
 * rendered with next-intl's core translator: no React, usable from any server code.
 */
import { createTranslator } from "use-intl/core";
import { MESSAGES, type Messages } from "../i18n/messages";
import type { Locale } from "../i18n/locales";

export type ApiMessageKey = keyof Messages["api"];
export type ApiMessageValues = Record<string, string | number>;
/** A catalogue message: its key and the values its ICU placeholders need. */
export type ApiMessage = { key: ApiMessageKey; values?: ApiMessageValues };

type Translate = (key: ApiMessageKey, values?: ApiMessageValues) => string;

const translators = new Map<Locale, Translate>();

function translatorFor(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    const translate = createTranslator({ locale, messages: MESSAGES[locale], namespace: "api", onError: () => {} });
    // A key missing in one locale (the message-file test forbids it) falls back to English, never to the key.
    const fallback = locale === "en" ? undefined : translatorFor("en");
    t = (key, values) => {
      if (fallback && !(key in MESSAGES[locale].api)) return fallback(key, values);
      return translate(key, values);
    };
    translators.set(locale, t);
  }
  return t;
}

export function apiMessage(locale: Locale, message: ApiMessage): string {
  return translatorFor(locale)(message.key, message.values);
}
