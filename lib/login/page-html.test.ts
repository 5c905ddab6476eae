import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoginDocumentProps, LoginPageData } from "@/components/login/login-document";
import { buildLoginBundle, nextStylesheets } from "@/scripts/login-bundle.mjs";
import type { Locale } from "@/lib/i18n/locales";
import { MESSAGES } from "@/lib/i18n/messages";
import { channelStrings } from "./channel-options";
import { countryGroups } from "./countries";
import { builtLoginBundle, loginPageHtml, scriptJson, type LoginBundle } from "./page-html";
import { loginTexts } from "./texts";

type Manifest = { script: string; worker: string; stylesheets: string[]; server: string };

/** A Next build's root-page client-reference manifest, reduced to what the bundle step reads. */
const RSC_MANIFEST = `globalThis.__RSC_MANIFEST = globalThis.__RSC_MANIFEST || {};
globalThis.__RSC_MANIFEST["/page"] = {"clientModules":{},"entryCSSFiles":{"[project]/app/layout":[{"path":"static/chunks/0abc.css","inlined":false}]}};`;

const NONCE = "bm9uY2Utb2YtdGhpcy1yZXNwb25zZQ==";

function props(locale: Locale, callbackUrl: string | null = null): Omit<LoginDocumentProps, "stylesheets"> {
  const limits = { cooldownSeconds: 30, perPhoneHour: 5, perPhoneDay: 10, perIpHour: 30, verifyPerIpHour: 60 };
  return {
    title: `${MESSAGES[locale].meta.login} · PhoneOTP`,
    description: MESSAGES[locale].meta.loginDescription,
    homeLabel: MESSAGES[locale].common.homeLink,
    languages: { back: "/login", current: locale, languages: [{ locale: "en", name: "English" }, { locale: "ar", name: "العربية" }], label: "Language", legend: "Change the language" },
    form: {
      initial: { stage: "phone" },
      locale,
      texts: loginTexts(locale, { codeLength: 6, maxAttempts: 5, limits }),
      countries: countryGroups("TZ", locale),
      defaultCountry: "TZ",
      codeLength: 6,
      showDevInbox: false,
      callbackUrl,
      signedInAs: null,
      notice: null,
      channelOptions: { routes: { "*": ["sms"] }, strings: channelStrings(MESSAGES[locale], locale) },
    },
  };
}

let nextDir: string;
let manifest: Manifest;
let bundle: LoginBundle;

beforeAll(async () => {
  nextDir = mkdtempSync(path.join(tmpdir(), "login-bundle-"));
  mkdirSync(path.join(nextDir, "server", "app"), { recursive: true });
  writeFileSync(path.join(nextDir, "server", "app", "page_client-reference-manifest.js"), RSC_MANIFEST);
  manifest = await buildLoginBundle(nextDir);
  bundle = await builtLoginBundle(path.join(nextDir, "login"));
}, 60_000);

afterAll(() => rmSync(nextDir, { recursive: true, force: true }));

const scriptTags = (html: string) => html.match(/<script\b[^>]*>/g) ?? [];

describe("the login page's own bundle", () => {
  it("links the stylesheet the Next build made for the root layout", () => {
    expect(nextStylesheets(nextDir)).toEqual(["/_next/static/chunks/0abc.css"]);
    expect(manifest.stylesheets).toEqual(["/_next/static/chunks/0abc.css"]);
  });

  it("refuses to build without a Next build to take the stylesheet from", async () => {
    const empty = mkdtempSync(path.join(tmpdir(), "login-bundle-empty-"));
    await expect(buildLoginBundle(empty)).rejects.toThrow(/next build/);
    rmSync(empty, { recursive: true, force: true });
  });

  it("ships at most 120 KB of gzip JavaScript to the browser, none of it the App Router's", () => {
    const file = path.join(nextDir, "static", "login", path.basename(manifest.script));
    const code = readFileSync(file);
    expect(manifest.script).toMatch(/^\/_next\/static\/login\/login-[A-Z0-9]+\.js$/);
    expect(gzipSync(code).length).toBeLessThanOrEqual(120 * 1024);
    expect(code.toString()).not.toMatch(/__next_f|next-router-state-tree|recharts/);
  });

  it("builds the bot challenge's worker as a file of its own", () => {
    expect(manifest.worker).toMatch(/^\/_next\/static\/login\/bot-challenge-worker-[A-Z0-9]+\.js$/);
    expect(readFileSync(path.join(nextDir, "static", "login", path.basename(manifest.worker)), "utf8")).toContain("postMessage");
  });
});

describe("the /login document", () => {
  it("is a whole HTML document in the page's language and direction, with the title and the stylesheet", async () => {
    const html = await loginPageHtml(props("ar"), NONCE, bundle);
    expect(html.startsWith('<!DOCTYPE html><html lang="ar" dir="rtl">')).toBe(true);
    expect(html).toContain(`<title>${MESSAGES.ar.meta.login} · PhoneOTP</title>`);
    expect(html).toContain('<link rel="stylesheet" href="/_next/static/chunks/0abc.css"/>');
    expect(html).toContain(`<h1 class="text-2xl font-bold tracking-tight">${MESSAGES.ar.login.phoneTitle}</h1>`);
    expect(html).toMatch(/<form [^>]*action="\/login\/send" method="post">/);
  });

  it("puts this response's nonce on every script: the module and its data", async () => {
    const html = await loginPageHtml(props("en"), NONCE, bundle);
    const tags = scriptTags(html);
    expect(tags).toEqual([`<script type="module" src="${manifest.script}" nonce="${NONCE}">`, `<script type="application/json" id="login-data" nonce="${NONCE}">`]);
  });

  it("hands the browser the same props it rendered, and the worker's address", async () => {
    const html = await loginPageHtml(props("sw", "/admin/users"), NONCE, bundle);
    const json = /<script type="application\/json" id="login-data"[^>]*>([\s\S]*?)<\/script>/.exec(html)?.[1];
    const data = JSON.parse(json!) as LoginPageData;
    expect(data.workerUrl).toBe(manifest.worker);
    expect(data.document).toEqual({ ...props("sw", "/admin/users"), stylesheets: manifest.stylesheets });
  });

  it("cannot be broken out of by what the data carries (a callbackUrl, a typed number)", async () => {
    const evil = "/account?</script><script>alert(1)</script><!--";
    const page = props("en", evil);
    page.form.initial = { stage: "phone", input: "</script><script>alert(2)</script>" };
    const html = await loginPageHtml(page, NONCE, bundle);
    expect(scriptTags(html)).toHaveLength(2);
    expect(html).not.toContain("<script>alert");
    const json = /<script type="application\/json" id="login-data"[^>]*>([\s\S]*?)<\/script>/.exec(html)?.[1];
    expect((JSON.parse(json!) as LoginPageData).document.form.callbackUrl).toBe(evil);
  });

  it("escapes the characters that end a script element or a line in JavaScript", () => {
    expect(scriptJson({ a: "</script>&<!--\u2028\u2029" })).toBe('{"a":"\\u003c/script\\u003e\\u0026\\u003c!--\\u2028\\u2029"}');
    expect(JSON.parse(scriptJson({ a: "</script>&\u2028" }))).toEqual({ a: "</script>&\u2028" });
  });
});
