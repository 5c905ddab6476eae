/**
 * The pages in every language: the locale from Accept-Language, the switcher's cookie (with and
 * without JavaScript), right-to-left Arabic with codes and numbers kept left to right, a whole login
 * in Arabic typed in Arabic-Indic digits, and axe in every locale. Screenshots of each locale's
 * steps are attached (phone project: look at them).
 */
import { readFileSync } from "node:fs";
import type { Browser, BrowserContextOptions, Locator, TestInfo } from "@playwright/test";
import { expect, expectNoSeriousA11yViolations, nationalDigits, readCodeFromOutbox, snap, test, uniquePhone } from "./fixtures";

type Section = Record<string, string>;
type Messages = { login: Section & { problems: Section }; account: Section; errors: Section; common: Section; meta: Section };
const messages = (locale: string) => JSON.parse(readFileSync(`messages/${locale}.json`, "utf8")) as Messages;
const LOCALES = [
  { locale: "sw", acceptLanguage: "sw-TZ,sw;q=0.9", dir: "ltr" },
  { locale: "fr", acceptLanguage: "fr-CI,fr;q=0.9,en;q=0.5", dir: "ltr" },
  { locale: "ar", acceptLanguage: "ar-EG,ar;q=0.9", dir: "rtl" },
] as const;
const arabicIndic = (ascii: string) => ascii.replace(/[0-9]/g, (d) => String.fromCodePoint(0x660 + Number(d)));

/** A context whose browser asks for `acceptLanguage` (Chromium's own header, as a phone set to that language sends). */
async function contextIn(browser: Browser, testInfo: TestInfo, acceptLanguage: string, extra: BrowserContextOptions = {}) {
  const context = await browser.newContext({ ...testInfo.project.use, baseURL: testInfo.project.use.baseURL, locale: acceptLanguage.split(",")[0], extraHTTPHeaders: { "Accept-Language": acceptLanguage }, ...extra });
  return { context, page: await context.newPage() };
}

/** The x of each character's box, in the order of the text: increasing means it reads left to right. */
async function characterXs(locator: Locator): Promise<number[]> {
  return locator.evaluate((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const xs: number[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? "";
      for (let i = 0; i < text.length; i++) {
        if (!/[0-9]/.test(text[i])) continue;
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        xs.push(range.getBoundingClientRect().x);
      }
    }
    return xs;
  });
}
const isIncreasing = (xs: number[]) => xs.length > 1 && xs.every((x, i) => i === 0 || x > xs[i - 1]);

test.describe("languages", () => {
  for (const { locale, acceptLanguage, dir } of LOCALES) {
    test(`renders the login steps in ${locale} from Accept-Language, axe clean @mobile`, async ({ browser }, testInfo) => {
      test.setTimeout(90_000); // three steps, three axe scans
      const t = messages(locale);
      const { context, page } = await contextIn(browser, testInfo, acceptLanguage);
      await page.goto("/login");
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expect(page.locator("html")).toHaveAttribute("dir", dir);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t.login.phoneTitle);
      await expect(page).toHaveTitle(`${t.meta.login} · PhoneOTP`);
      await expect(page.getByLabel(t.login.searchCountries)).toBeEnabled(); // hydrated
      await expectNoSeriousA11yViolations(page, `${locale} phone`);
      await snap(page, testInfo, `${locale}-phone`);

      // A wrong number: the problem in this language.
      await page.getByLabel(t.login.phoneNumber, { exact: true }).fill("12");
      await page.getByRole("button", { name: t.login.sendCode }).click();
      await expect(page.locator("#phone-message")).toHaveText(t.login.problems.phoneInvalid);

      const phone = uniquePhone();
      await page.getByLabel(t.login.phoneNumber, { exact: true }).fill(nationalDigits(phone));
      await page.getByRole("button", { name: t.login.sendCode }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t.login.confirmTitle);
      await expectNoSeriousA11yViolations(page, `${locale} confirm`);
      await snap(page, testInfo, `${locale}-confirm`);
      await page.getByRole("button", { name: t.login.confirmYes }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t.login.codeTitle);
      await expect(page.getByTestId("code-expiry")).not.toBeEmpty();
      await expectNoSeriousA11yViolations(page, `${locale} code`);
      await snap(page, testInfo, `${locale}-code`);
      await context.close();
    });
  }

  test("a whole login in Arabic: right to left, numbers left to right, the code typed in Arabic-Indic digits @mobile", async ({ browser, request }, testInfo) => {
    test.setTimeout(90_000); // a whole login and an axe scan
    const t = messages("ar");
    const { context, page } = await contextIn(browser, testInfo, "ar-EG,ar;q=0.9");
    const phone = uniquePhone();
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.getByLabel(t.login.searchCountries)).toBeEnabled(); // hydrated
    const phoneField = page.getByLabel(t.login.phoneNumber, { exact: true });
    await phoneField.pressSequentially(arabicIndic(nationalDigits(phone)), { delay: 20 });
    await expect(phoneField).toHaveValue(nationalDigits(phone));
    await page.getByRole("button", { name: t.login.sendCode }).click();
    // The number to confirm reads +255 7… from the left, not mirrored.
    const confirmPhone = page.getByTestId("confirm-phone");
    await expect(confirmPhone).toHaveText(/^\+255 /);
    expect(isIncreasing(await characterXs(confirmPhone)), "the number's digits run left to right").toBe(true);
    const before = Date.now();
    await page.getByRole("button", { name: t.login.confirmYes }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(t.login.codeTitle);

    const codeField = page.locator("#code");
    await expect(codeField).toHaveAttribute("dir", "ltr");
    expect(isIncreasing(await characterXs(page.getByTestId("code-phone"))), "the phone in the sentence runs left to right").toBe(true);
    // The countdown "4:59": minutes left of seconds.
    await expect(page.getByTestId("code-expiry")).toContainText(/\d:\d\d/);
    expect(isIncreasing(await characterXs(page.getByTestId("code-expiry"))), "the countdown runs left to right").toBe(true);

    // "123" typed in Arabic-Indic digits is "123" in the field, drawn left to right.
    await codeField.pressSequentially(arabicIndic("123"));
    await expect(codeField).toHaveValue("123");
    const xs = await codeField.evaluate((input: HTMLInputElement) => {
      // Draw the field's value with its own font and direction, one box per digit.
      const probe = document.createElement("span");
      const style = getComputedStyle(input);
      probe.dir = input.dir;
      probe.style.cssText = `font:${style.font};letter-spacing:${style.letterSpacing};direction:${style.direction};unicode-bidi:isolate;position:absolute;white-space:pre`;
      probe.textContent = input.value;
      input.parentElement!.appendChild(probe);
      const boxes = [0, 1, 2].map((i) => {
        const range = document.createRange();
        range.setStart(probe.firstChild!, i);
        range.setEnd(probe.firstChild!, i + 1);
        return range.getBoundingClientRect().x;
      });
      probe.remove();
      return { boxes, direction: style.direction };
    });
    expect(xs.direction).toBe("ltr");
    expect(isIncreasing(xs.boxes), "1, 2, 3 from left to right").toBe(true);
    await codeField.fill("");

    const code = await readCodeFromOutbox(request, phone, { after: before });
    // The screenshot before the last digit: the full code submits itself and the page navigates.
    await codeField.pressSequentially(arabicIndic(code.slice(0, -1)));
    await expect(codeField).toHaveValue(code.slice(0, -1));
    await snap(page, testInfo, "ar-code-typed");
    await codeField.pressSequentially(arabicIndic(code.slice(-1)));
    await page.waitForURL("**/account");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(t.account.title);
    await expect(page.getByTestId("account-phone")).toHaveAttribute("data-phone", phone);
    expect(isIncreasing(await characterXs(page.getByTestId("account-phone")))).toBe(true);
    await expectNoSeriousA11yViolations(page, "ar account");
    await snap(page, testInfo, "ar-account");
    await context.close();
  });

  test("the switcher changes the language and remembers it, over Accept-Language @mobile", async ({ page }, testInfo) => {
    test.setTimeout(60_000);
    await page.goto("/login?callbackUrl=%2Faccount");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("button", { name: "English" })).toHaveAttribute("aria-pressed", "true");
    await page.getByRole("button", { name: "Kiswahili" }).click();
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "sw");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(messages("sw").login.phoneTitle);
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("lang", "sw");
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "sw");
    await page.getByRole("button", { name: "العربية" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await snap(page, testInfo, "ar-home");
    await page.goto("/no-such-page");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(messages("ar").errors.notFoundTitle);
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
  });

  test("the switcher works without JavaScript", async ({ browser }, testInfo) => {
    const { context, page } = await contextIn(browser, testInfo, "sw", { javaScriptEnabled: false });
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "sw");
    await page.getByRole("button", { name: "Français" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(messages("fr").login.phoneTitle);
    // The no-JavaScript form posts the page's language with the number (for the SMS).
    await expect(page.locator('form[action="/login/send"] input[name="locale"]').first()).toHaveValue("fr");
    await context.close();
  });

  test("POST /locale takes only an offered language and goes back only to this site", async ({ request, baseURL }) => {
    const headers = { Origin: baseURL! };
    const refused = await request.post("/locale", { form: { locale: "de", back: "/login" }, headers, maxRedirects: 0 });
    expect(refused.status()).toBe(400);
    expect((await refused.json()).error.code).toBe("validation_error");
    const offsite = await request.post("/locale", { form: { locale: "fr", back: "https://evil.example/" }, headers, maxRedirects: 0 });
    expect(offsite.status()).toBe(303);
    expect(new URL(offsite.headers().location, baseURL).href).toBe(new URL("/", baseURL).href);
    expect(offsite.headers()["set-cookie"]).toMatch(/^locale=fr;/);
    const crossSite = await request.post("/locale", { form: { locale: "fr" }, headers: { Origin: "https://evil.example" }, maxRedirects: 0 });
    expect(crossSite.status()).toBe(403);
  });
});
