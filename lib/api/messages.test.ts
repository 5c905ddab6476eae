import { describe, expect, it } from "vitest";
import { IntlMessageFormat } from "intl-messageformat";
import { MESSAGES } from "../i18n/messages";
import { SHIPPED_LOCALES } from "../i18n/locales";
import { AppError } from "./errors";
import { apiMessage } from "./messages";

type AstNode = { type: number; value?: string; options?: Record<string, { value: AstNode[] }> };
// intl-messageformat's AST: 0 is literal text and 7 the plural's `#`; every other node names an argument.
const UNNAMED = new Set([0, 7]);

/** The ICU arguments a message uses ({code}, {minutes, plural, …}), from its parsed form. */
function argumentNames(message: string, locale: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: AstNode[]) => {
    for (const node of nodes) {
      if (!UNNAMED.has(node.type) && node.value) names.add(node.value);
      for (const option of Object.values(node.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, locale).getAst() as unknown as AstNode[]);
  return [...names].sort();
}

describe("the api and sms message namespaces", () => {
  for (const locale of SHIPPED_LOCALES) {
    it(`${locale} has every key English has, each a valid ICU message with the same placeholders`, () => {
      for (const namespace of ["api", "sms"] as const) {
        const english = MESSAGES.en[namespace] as Record<string, string>;
        const own = MESSAGES[locale][namespace] as Record<string, string>;
        expect(Object.keys(own).sort()).toEqual(Object.keys(english).sort());
        for (const [key, message] of Object.entries(own)) {
          expect(() => new IntlMessageFormat(message, locale), `${namespace}.${key}`).not.toThrow();
          expect(argumentNames(message, locale), `${namespace}.${key}`).toEqual(argumentNames(english[key], "en"));
        }
      }
    });
  }
});

describe("AppError with a catalogue message", () => {
  it("keeps English in .message and translates toBody(locale), fields that repeat the message included", () => {
    const message = { key: "phoneEmpty" } as const;
    const error = new AppError("invalid_phone", message, { fields: { phone: apiMessage("en", message), other: "left as is" } });
    expect(error.message).toBe("Enter your phone number.");
    expect(error.toBody()).toEqual({ error: { code: "invalid_phone", message: "Enter your phone number.", fields: { phone: "Enter your phone number.", other: "left as is" } } });
    expect(error.toBody("sw")).toEqual({ error: { code: "invalid_phone", message: "Weka namba yako ya simu.", fields: { phone: "Weka namba yako ya simu.", other: "left as is" } } });
  });

  it("renders English exactly as the hand-written messages did, plurals included", () => {
    expect(apiMessage("en", { key: "invalidCode", values: { attemptsLeft: 1 } })).toBe("That code is not right. 1 attempt left.");
    expect(apiMessage("en", { key: "sendCooldown", values: { seconds: 86_400 } })).toBe("Please wait before requesting another code. Try again in 86400 seconds.");
    expect(apiMessage("en", { key: "apiKeyRequired", values: { placeholder: "<key>" } })).toBe("This API needs an API key: send Authorization: Bearer <key>.");
    expect(apiMessage("en", { key: "blocked" })).toBe("We can't send a code to this number right now. Please try again later.");
    expect(apiMessage("ar", { key: "invalidCode", values: { attemptsLeft: 2 } })).toBe("هذا الرمز غير صحيح. تتبقى محاولتان.");
  });
});
