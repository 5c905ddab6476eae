/**
 * The login page's channel buttons in real Chromium, with and without JavaScript, on the server
 * configured with WhatsApp and Twilio voice (playwright.config.ts: CHANNELS_BASE_URL). WhatsApp's
 * Cloud API and Twilio's Calls API are one local server here, answering as they do; codes are read
 * from what it received (the template's parameter, the TwiML's digits) or from the SMS outbox.
 */
import type { Page, TestInfo } from "@playwright/test";
import { CHANNELS_BASE_URL, CHANNELS_FAKE_PORT } from "../playwright.config";
import { expect, nationalDigits, readCodeFromOutbox, test, uniquePhone } from "./fixtures";

type Received = { path: string; body: string };

test.use({ baseURL: CHANNELS_BASE_URL });

/** Every request the fake (e2e/channels-fake.ts) received, from every spec and project. */
const received = async (): Promise<Received[]> => (await fetch(`http://127.0.0.1:${CHANNELS_FAKE_PORT}/received`)).json();
const to = (phone: string) => (r: Received) => r.body.includes(phone.slice(1));
const whatsApps = async (phone: string) => (await received()).filter((r) => r.path.endsWith("/messages")).filter(to(phone));
const whatsAppCode = async (phone: string) => {
  await expect.poll(async () => (await whatsApps(phone)).length, { message: "a WhatsApp template" }).toBeGreaterThan(0);
  return JSON.parse((await whatsApps(phone)).at(-1)!.body).template.components[0].parameters[0].text as string;
};
const calls = async (phone: string) => (await received()).filter((r) => r.path.endsWith("/Calls.json") && new URLSearchParams(r.body).get("To") === phone);
/** The code as the call reads it: "Your PhoneOTP code is: 2. 0. 4. …" → "204…". */
const calledCode = async (phone: string) => /code is: ([\d. ]+?)\.</.exec(new URLSearchParams((await calls(phone)).at(-1)!.body).get("Twiml")!)![1].replace(/\D/g, "");

async function snap(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

async function confirmStep(page: Page, phone: string) {
  await page.goto("/login");
  await page.getByLabel("Phone number", { exact: true }).fill(nationalDigits(phone));
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByTestId("confirm-phone")).toBeVisible();
}

test("offers WhatsApp first, then 'Call me instead' after the resend wait, and signs in with the code the call read @mobile", async ({ page }, testInfo) => {
  const phone = uniquePhone();
  await confirmStep(page, phone);
  await expect(page.getByText("How should we send your code? It goes to:")).toBeVisible();
  await expect(page.getByRole("button", { name: "Yes, send the code" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Send by SMS" })).toBeVisible();
  await snap(page, testInfo, "channels-01-confirm");
  await page.getByRole("button", { name: "Send by WhatsApp" }).click();
  await expect(page.getByTestId("sent-by")).toHaveText("We sent it by WhatsApp: look in your WhatsApp chats.");
  await whatsAppCode(phone);
  // During the wait only "Resend code" counts down; the other channels come after it.
  await expect(page.getByRole("button", { name: /^Resend code in \d+ s$/ })).toBeVisible();
  await expect(page.getByRole("button", { name: "Call me instead" })).toHaveCount(0);
  await snap(page, testInfo, "channels-02-code-whatsapp");
  await page.getByRole("button", { name: "Call me instead" }).click({ timeout: 10_000 });
  await expect(page.getByTestId("sent-by")).toHaveText("We are calling you: answer to hear the code, read out twice.");
  await expect.poll(async () => (await calls(phone)).length).toBe(1);
  await expect(page.getByRole("button", { name: "Send by SMS instead" })).toHaveCount(0); // a new wait began
  await snap(page, testInfo, "channels-03-code-call");
  await page.getByLabel(/-digit code$/).fill(await calledCode(phone));
  await expect(page).toHaveURL(/\/account$/);
});

test("without JavaScript: Send by SMS, a too-early 'Call me instead' is refused with no call, then it calls @mobile", async ({ browser, request }, testInfo) => {
  const context = await browser.newContext({ ...testInfo.project.use, javaScriptEnabled: false, baseURL: CHANNELS_BASE_URL });
  const page = await context.newPage();
  const phone = uniquePhone();
  await confirmStep(page, phone);
  const before = Date.now();
  await page.getByRole("button", { name: "Send by SMS" }).click();
  await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
  await readCodeFromOutbox(request, phone, { after: before, baseURL: CHANNELS_BASE_URL });
  await expect(page.getByRole("button", { name: "Send by WhatsApp instead" })).toBeVisible();
  await page.getByRole("button", { name: "Call me instead" }).click();
  await expect(page.locator("#code-message")).toContainText(/wait|again/i);
  expect(await calls(phone)).toHaveLength(0);
  await snap(page, testInfo, "channels-nojs-01-too-early");
  await expect(async () => {
    await page.getByRole("button", { name: "Call me instead" }).click();
    expect(await calls(phone)).toHaveLength(1);
  }).toPass({ timeout: 15_000, intervals: [1_000, 2_000] });
  await expect(page.getByTestId("sent-by")).toContainText("We are calling you");
  await snap(page, testInfo, "channels-nojs-02-calling");
  await page.getByLabel(/-digit code$/).fill(await calledCode(phone));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await context.close();
});

test("a country whose route is SMS only gets the plain confirm button", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Phone number", { exact: true }).fill("+254712" + String(Date.now()).slice(-6));
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByRole("button", { name: "Yes, send the code" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Send by / })).toHaveCount(0);
});
