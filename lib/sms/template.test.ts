import { describe, expect, it } from "vitest";
import { renderOtpMessage, templateFor, webOtpHost, type TemplateConfig } from "./template";

// A configured SMS_TEMPLATE (plain placeholders), as deployments had before the shipped texts.
const base: TemplateConfig = {
  SMS_TEMPLATE: "Your {app} code is {code}. It expires in {minutes} minutes.",
  SMS_TEMPLATES: {},
  APP_NAME: "PhoneOTP",
  WEBOTP_DOMAIN: undefined,
  DEFAULT_LOCALE: "en",
};
const shipped: TemplateConfig = { ...base, SMS_TEMPLATE: undefined };
const login = { code: "482913", purpose: "Login", ttlSeconds: 300, locale: "en" } as const;

describe("renderOtpMessage", () => {
  it("fills {app}, {code} and {minutes} in a configured template", () => {
    const { text } = renderOtpMessage(login, base);
    expect(text).toBe("Your PhoneOTP code is 482913. It expires in 5 minutes.");
  });

  it("says '1 minute', not '1 minutes', for a code valid under two minutes", () => {
    expect(renderOtpMessage({ ...login, ttlSeconds: 10 }, base).text).toBe("Your PhoneOTP code is 482913. It expires in 1 minute.");
    expect(renderOtpMessage({ ...login, ttlSeconds: 119 }, base).text).toMatch(/in 1 minute\.$/);
  });

  it("uses the per-purpose template whatever the purpose's case", () => {
    const config = { ...base, SMS_TEMPLATES: { "registration:*": "{code} is your {app} sign-up code" } };
    expect(renderOtpMessage({ ...login, code: "111222", purpose: "Registration", ttlSeconds: 60 }, config).text).toBe("111222 is your PhoneOTP sign-up code");
    expect(renderOtpMessage({ ...login, code: "111222", ttlSeconds: 60 }, config).text).toMatch(/^Your PhoneOTP code/);
  });

  it("appends the WebOTP origin-bound line as the last line when WEBOTP_DOMAIN is set", () => {
    const { text } = renderOtpMessage(login, { ...base, WEBOTP_DOMAIN: "otp.example.com" });
    expect(text).toBe("Your PhoneOTP code is 482913. It expires in 5 minutes.\n\n@otp.example.com #482913");
  });

  it("reduces a WEBOTP_DOMAIN given as a URL to its host", () => {
    expect(webOtpHost("https://OTP.Example.com/login")).toBe("otp.example.com");
    expect(webOtpHost("localhost:3000")).toBe("localhost:3000");
  });

  it("masks every occurrence of the code, the WebOTP line included", () => {
    const config = { ...base, SMS_TEMPLATE: "{code} - code {code}", WEBOTP_DOMAIN: "example.com" };
    const { text, maskedText } = renderOtpMessage({ ...login, code: "9081" }, config);
    expect(text).toContain("9081");
    expect(maskedText).toBe("****** - code ******\n\n@example.com #******");
    expect(maskedText).not.toContain("9081");
  });

  it("never expands placeholders that come from the app name, configured or shipped", () => {
    expect(renderOtpMessage({ ...login, code: "123456" }, { ...base, APP_NAME: "{code}{minutes}" }).text).toBe("Your {code}{minutes} code is 123456. It expires in 5 minutes.");
    expect(renderOtpMessage({ ...login, code: "123456", locale: "sw" }, { ...shipped, APP_NAME: "{code}" }).text).toMatch(/^Msimbo wako wa \{code\} ni 123456\./);
  });

  it("rounds minutes down and never says less than one minute", () => {
    expect(renderOtpMessage({ ...login, ttlSeconds: 90 }, base).text).toContain("in 1 minute.");
    expect(renderOtpMessage({ ...login, ttlSeconds: 20 }, base).text).toContain("in 1 minute.");
    expect(renderOtpMessage({ ...login, ttlSeconds: 600 }, base).text).toContain("in 10 minutes");
    expect(renderOtpMessage({ ...login, ttlSeconds: 119 }, shipped).text).toContain("in 1 minute.");
  });

  it("refuses a template without {code} rather than sending a useless SMS", () => {
    expect(() => renderOtpMessage(login, { ...base, SMS_TEMPLATE: "Hello from {app}" })).toThrow(/no \{code\}/);
  });
});

describe("shipped SMS texts (messages/<locale>.json sms.code)", () => {
  it("say the app, the code, its lifetime and never to share it, in each language", () => {
    const text = (locale: "en" | "sw" | "fr" | "ar") => renderOtpMessage({ ...login, locale }, shipped).text;
    expect(text("en")).toBe("Your PhoneOTP code is 482913. It expires in 5 minutes. Never share this code with anyone.");
    expect(text("sw")).toBe("Msimbo wako wa PhoneOTP ni 482913. Muda wake unaisha baada ya dakika 5. Usimpe mtu yeyote msimbo huu.");
    expect(text("fr")).toBe("Votre code PhoneOTP est 482913. Il expire dans 5 minutes. Ne partagez jamais ce code avec personne.");
    expect(text("ar")).toBe("رمز PhoneOTP: 482913\nصالح 5 دقائق. لا تشاركه.");
  });

  it("use each language's plural forms for the minutes, with the code and numbers in ASCII digits", () => {
    const ar = (ttlSeconds: number) => renderOtpMessage({ ...login, locale: "ar", ttlSeconds }, shipped).text.split("\n")[1];
    expect([60, 120, 300, 900, 6000].map(ar)).toEqual(["صالح دقيقة. لا تشاركه.", "صالح دقيقتين. لا تشاركه.", "صالح 5 دقائق. لا تشاركه.", "صالح 15 دقيقة. لا تشاركه.", "صالح 100 دقيقة. لا تشاركه."]);
    expect(renderOtpMessage({ ...login, locale: "fr", ttlSeconds: 60 }, shipped).text).toContain("dans 1 minute.");
    expect(renderOtpMessage({ ...login, locale: "en", ttlSeconds: 86_400 }, shipped).text).toContain("in 1440 minutes.");
  });
});

describe("templateFor: which template a purpose and locale get", () => {
  const config = {
    DEFAULT_LOCALE: "en",
    SMS_TEMPLATE: "default {code}",
    SMS_TEMPLATES: { "login:*": "login {code}", "*:sw": "sw {code}", "login:sw": "login sw {code}", "*:en": "en {code}" },
  };
  const pick = (purpose: string, locale: "en" | "sw" | "fr" | "ar", c: Parameters<typeof templateFor>[2] = config) => {
    const choice = templateFor(purpose, locale, c);
    return choice.source === "configured" ? choice.variable : `shipped ${choice.locale}`;
  };

  it("takes SMS_TEMPLATE_<PURPOSE>_<LOCALE>, then SMS_TEMPLATE_<LOCALE>", () => {
    expect(pick("Login", "sw")).toBe("SMS_TEMPLATE_LOGIN_SW");
    expect(pick("Registration", "sw")).toBe("SMS_TEMPLATE_SW");
    expect(pick("Login", "en")).toBe("SMS_TEMPLATE_EN");
  });

  it("reads SMS_TEMPLATE_<PURPOSE> and SMS_TEMPLATE as DEFAULT_LOCALE's text, after its own locale variables", () => {
    const noEn = { ...config, SMS_TEMPLATES: Object.fromEntries(Object.entries(config.SMS_TEMPLATES).filter(([key]) => key !== "*:en")) };
    expect(pick("Login", "en", noEn)).toBe("SMS_TEMPLATE_LOGIN");
    expect(pick("Registration", "en", noEn)).toBe("SMS_TEMPLATE");
  });

  it("gives another locale its shipped text rather than the default language's SMS_TEMPLATE", () => {
    expect(pick("Login", "fr")).toBe("shipped fr");
    expect(pick("Login", "ar")).toBe("shipped ar");
    expect(pick("Login", "en", { DEFAULT_LOCALE: "en", SMS_TEMPLATE: undefined, SMS_TEMPLATES: {} })).toBe("shipped en");
  });
});
