import { describe, expect, it } from "vitest";
import { renderOtpMessage, webOtpHost, type TemplateConfig } from "./template";

const base: TemplateConfig = {
  SMS_TEMPLATE: "Your {app} code is {code}. It expires in {minutes} minutes.",
  SMS_TEMPLATES: {},
  APP_NAME: "PhoneOTP",
  WEBOTP_DOMAIN: undefined,
};

describe("renderOtpMessage", () => {
  it("fills {app}, {code} and {minutes} in the default template", () => {
    const { text } = renderOtpMessage({ code: "482913", purpose: "Login", ttlSeconds: 300 }, base);
    expect(text).toBe("Your PhoneOTP code is 482913. It expires in 5 minutes.");
  });

  it("says '1 minute', not '1 minutes', for a code valid under two minutes", () => {
    expect(renderOtpMessage({ code: "482913", purpose: "Login", ttlSeconds: 10 }, base).text).toBe("Your PhoneOTP code is 482913. It expires in 1 minute.");
    expect(renderOtpMessage({ code: "482913", purpose: "Login", ttlSeconds: 119 }, base).text).toMatch(/in 1 minute\.$/);
  });

  it("uses the per-purpose template whatever the purpose's case", () => {
    const config = { ...base, SMS_TEMPLATES: { registration: "{code} is your {app} sign-up code" } };
    expect(renderOtpMessage({ code: "111222", purpose: "Registration", ttlSeconds: 60 }, config).text).toBe("111222 is your PhoneOTP sign-up code");
    expect(renderOtpMessage({ code: "111222", purpose: "Login", ttlSeconds: 60 }, config).text).toMatch(/^Your PhoneOTP code/);
  });

  it("appends the WebOTP origin-bound line as the last line when WEBOTP_DOMAIN is set", () => {
    const { text } = renderOtpMessage({ code: "482913", purpose: "Login", ttlSeconds: 300 }, { ...base, WEBOTP_DOMAIN: "otp.example.com" });
    expect(text).toBe("Your PhoneOTP code is 482913. It expires in 5 minutes.\n\n@otp.example.com #482913");
  });

  it("reduces a WEBOTP_DOMAIN given as a URL to its host", () => {
    expect(webOtpHost("https://OTP.Example.com/login")).toBe("otp.example.com");
    expect(webOtpHost("localhost:3000")).toBe("localhost:3000");
  });

  it("masks every occurrence of the code, the WebOTP line included", () => {
    const config = { ...base, SMS_TEMPLATE: "{code} - code {code}", WEBOTP_DOMAIN: "example.com" };
    const { text, maskedText } = renderOtpMessage({ code: "9081", purpose: "Login", ttlSeconds: 300 }, config);
    expect(text).toContain("9081");
    expect(maskedText).toBe("****** - code ******\n\n@example.com #******");
    expect(maskedText).not.toContain("9081");
  });

  it("never expands placeholders that come from the app name", () => {
    const { text } = renderOtpMessage({ code: "123456", purpose: "Login", ttlSeconds: 300 }, { ...base, APP_NAME: "{code}{minutes}" });
    expect(text).toBe("Your {code}{minutes} code is 123456. It expires in 5 minutes.");
  });

  it("rounds minutes down and never says less than one minute", () => {
    expect(renderOtpMessage({ code: "123456", purpose: "Login", ttlSeconds: 90 }, base).text).toContain("in 1 minute.");
    expect(renderOtpMessage({ code: "123456", purpose: "Login", ttlSeconds: 20 }, base).text).toContain("in 1 minute.");
    expect(renderOtpMessage({ code: "123456", purpose: "Login", ttlSeconds: 600 }, base).text).toContain("in 10 minutes");
  });

  it("refuses a template without {code} rather than sending a useless SMS", () => {
    expect(() => renderOtpMessage({ code: "123456", purpose: "Login", ttlSeconds: 300 }, { ...base, SMS_TEMPLATE: "Hello from {app}" })).toThrow(/no \{code\}/);
  });
});
