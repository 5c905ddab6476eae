/**
 * The /login document as HTML: the server renderer and the browser bundle that
 * scripts/login-bundle.mjs built (after `next build`; under `next dev` rebuilt per request), the
 * app's stylesheet, the page's props for hydration and this response's CSP nonce on every script.
 */
import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { LOGIN_DATA_ID, type LoginDocumentProps, type LoginPageData } from "@/components/login/login-document";
import { env } from "@/lib/env";

type Renderer = { renderLoginDocument(props: LoginDocumentProps): string };
type Manifest = { script: string; worker: string; stylesheets: string[]; server: string };
/** A built page: its renderer, stylesheets and script (a file, or inline text under `next dev`). */
export type LoginBundle = { render: Renderer["renderLoginDocument"]; stylesheets: string[]; script: { src: string } | { inline: string }; workerUrl?: string; css?: string };

// Read at run time from the build output (not traced into the server bundle: turbopackIgnore).
const BUNDLE_DIR = path.join(/* turbopackIgnore: true */ process.cwd(), ".next", "login");

// Loaded by Node itself, never by the bundler (the renderer brings its own React).
const load = <T>(url: string): Promise<T> => import(/* webpackIgnore: true */ /* turbopackIgnore: true */ url);

let production: Promise<LoginBundle> | null = null;

/** The bundle scripts/login-bundle.mjs wrote into `dir` (.next/login after `npm run build`). */
export async function builtLoginBundle(dir = BUNDLE_DIR): Promise<LoginBundle> {
  const manifest = JSON.parse(await readFile(path.join(/* turbopackIgnore: true */ dir, "manifest.json"), "utf8").catch(() => {
    throw new Error("The login page's bundle is missing: build with `npm run build` (next build, then scripts/login-bundle.mjs).");
  })) as Manifest;
  const renderer = await load<Renderer>(pathToFileURL(path.join(/* turbopackIgnore: true */ dir, manifest.server)).href);
  return { render: renderer.renderLoginDocument, stylesheets: manifest.stylesheets, script: { src: manifest.script }, workerUrl: manifest.worker };
}

async function developmentBundle(): Promise<LoginBundle> {
  const { devLoginBundle } = await load<{ devLoginBundle(): Promise<{ script: string; css: string; serverUrl: string }> }>(pathToFileURL(path.join(/* turbopackIgnore: true */ process.cwd(), "scripts", "login-bundle.mjs")).href);
  const built = await devLoginBundle();
  const renderer = await load<Renderer>(built.serverUrl);
  return { render: renderer.renderLoginDocument, stylesheets: [], script: { inline: built.script }, css: built.css };
}

/** JSON that is safe inside a <script> element: no "</script>", no "<!--", no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const attr = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** This server's bundle: built once per process in production, rebuilt per request under `next dev`. */
export function currentLoginBundle(): Promise<LoginBundle> {
  if (env().NODE_ENV === "development") return developmentBundle();
  // A failed load is not cached: the next request tries again (and logs the same clear error).
  return (production ??= builtLoginBundle().catch((error) => ((production = null), Promise.reject(error))));
}

/** The whole page. `nonce` is this response's, from the policy proxy.ts set on the request. */
export async function loginPageHtml(props: Omit<LoginDocumentProps, "stylesheets">, nonce: string | undefined, bundle?: LoginBundle): Promise<string> {
  bundle ??= await currentLoginBundle();
  const documentProps: LoginDocumentProps = { ...props, stylesheets: bundle.stylesheets };
  const data: LoginPageData = { document: documentProps, workerUrl: bundle.workerUrl };
  const n = nonce ? ` nonce="${attr(nonce)}"` : "";
  // Outside React's tree (React skips unknown tags in <head> and <body> as it hydrates): the module
  // script in <head> starts downloading at once and runs after parsing; its data ends the body.
  const head = [
    bundle.css !== undefined && `<style>${bundle.css}</style>`,
    "src" in bundle.script ? `<script type="module" src="${attr(bundle.script.src)}"${n}></script>` : `<script type="module"${n}>${bundle.script.inline}</script>`,
  ].filter(Boolean).join("");
  const body = `<script type="application/json" id="${LOGIN_DATA_ID}"${n}>${scriptJson(data)}</script>`;
  const html = bundle.render(documentProps);
  return `<!DOCTYPE html>${html.replace("</head>", `${head}</head>`).replace(/<\/body>(?![\s\S]*<\/body>)/, `${body}</body>`)}`;
}
