/**
 * The /login page's own bundles (docs/login.md, "Why /login is not an App Router page"), built with
 * esbuild from components/login/*:
 *   - the browser bundle (hydrate.tsx: React DOM + the form) and the bot challenge's worker, into
 *     .next/static/login/ — `next start` serves that folder as immutable static files;
 *   - the server renderer (render.tsx) for Node, into .next/login/server.mjs, with the project's own
 *     React (route handlers get React's server-components build, which cannot render hooks);
 *   - .next/login/manifest.json: those files' addresses and the app's stylesheet from the Next build.
 *
 *   node scripts/login-bundle.mjs     # after `next build` (npm run build does both)
 *
 * Under `next dev` the route handler calls devLoginBundle() instead: rebuilt on every request, the
 * script and the stylesheet (Tailwind, compiled here) inlined in the page.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import * as esbuild from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NEXT_DIR = path.join(ROOT, ".next");
/** Next 16's own browser targets (next/dist/shared/lib/modern-browserslist-target.js). */
const TARGET = ["chrome111", "edge111", "firefox111", "safari16.4"];
const ENTRY = { client: "components/login/hydrate.tsx", worker: "components/login/bot-challenge.worker.ts", server: "components/login/render.tsx" };

/** @param {boolean} production @returns {esbuild.BuildOptions} */
const common = (production) => ({
  absWorkingDir: ROOT,
  bundle: true,
  jsx: "automatic",
  define: { "process.env.NODE_ENV": JSON.stringify(production ? "production" : "development") },
  // "use client" means nothing here: the whole tree is a client bundle.
  logOverride: { "module-level-directive": "silent" },
  logLevel: "warning",
  legalComments: "none",
});

/**
 * The stylesheet the Next build made from app/globals.css, as the root layout links it (every App
 * Router page's `<link rel="stylesheet">`), read from the build's client-reference manifest.
 */
export function nextStylesheets(nextDir = NEXT_DIR) {
  const file = path.join(nextDir, "server", "app", "page_client-reference-manifest.js");
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`next build\` first.`);
  const context = {};
  vm.runInNewContext(readFileSync(file, "utf8"), context);
  const manifests = Object.values(context.__RSC_MANIFEST ?? {});
  // "[project]/app/layout", or "[project]/<dir>/app/layout" when the Turbopack root is a parent
  // directory (a copy built inside another checkout, as the benchmarks do).
  const layoutCss = (files = {}) => Object.entries(files).find(([entry]) => /^\[project\]\/(?:.*\/)?app\/layout$/.test(entry))?.[1];
  const css = manifests.map((m) => layoutCss(m.entryCSSFiles)).find(Boolean);
  if (!css?.length) throw new Error(`No stylesheet for app/layout in ${file}.`);
  return css.map((entry) => `/_next/${entry.path}`);
}

/** The production build into `nextDir` (after Next's): writes the bundles and the manifest, returns the manifest. */
export async function buildLoginBundle(nextDir = NEXT_DIR) {
  const staticDir = path.join(nextDir, "static", "login");
  const serverDir = path.join(nextDir, "login");
  const stylesheets = nextStylesheets(nextDir);
  rmSync(staticDir, { recursive: true, force: true });
  rmSync(serverDir, { recursive: true, force: true });
  const browser = { ...common(true), platform: "browser", format: "esm", target: TARGET, minify: true, outdir: staticDir, entryNames: "[name]-[hash]", metafile: true };
  const [client, worker] = await Promise.all([
    // One file, no splitting: a split chunk would be a second round trip after the first (altcha's
    // main-thread fallback, the only dynamic import, is 1.6 KB gzip).
    esbuild.build({ ...browser, entryPoints: { login: ENTRY.client } }),
    esbuild.build({ ...browser, entryPoints: { "bot-challenge-worker": ENTRY.worker } }),
    esbuild.build({ ...common(true), platform: "node", format: "esm", target: "node20", packages: "external", entryPoints: [ENTRY.server], outfile: path.join(serverDir, "server.mjs") }),
  ]);
  /** The address of the file esbuild wrote for `entry`. */
  const url = (result, entry) => {
    const file = Object.keys(result.metafile.outputs).find((out) => result.metafile.outputs[out].entryPoint === entry);
    if (!file) throw new Error(`esbuild wrote no output for ${entry}`);
    return `/_next/static/login/${path.basename(file)}`;
  };
  const manifest = { script: url(client, ENTRY.client), worker: url(worker, ENTRY.worker), stylesheets, server: "server.mjs" };
  writeFileSync(path.join(serverDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** @type {{ client?: esbuild.BuildContext; server?: esbuild.BuildContext; builds: number }} */
const dev = (globalThis.__loginDevBundle ??= { builds: 0 });

/**
 * `next dev`: the same entries, rebuilt on every request (esbuild's incremental contexts), the
 * server renderer under a new file name each time so Node loads the fresh one. The script and the
 * stylesheet come back as text for the page to inline; the worker is left out (the proof of work
 * then runs on the main thread).
 */
export async function devLoginBundle() {
  const outdir = path.join(NEXT_DIR, "login-dev");
  dev.client ??= await esbuild.context({ ...common(false), platform: "browser", format: "esm", target: TARGET, entryPoints: [ENTRY.client], write: false, outfile: path.join(outdir, "login.js") });
  dev.server ??= await esbuild.context({ ...common(false), platform: "node", format: "esm", target: "node20", packages: "external", entryPoints: [ENTRY.server], write: false, outfile: path.join(outdir, "server.mjs") });
  const [client, server, css] = await Promise.all([dev.client.rebuild(), dev.server.rebuild(), tailwindCss()]);
  mkdirSync(outdir, { recursive: true });
  const serverFile = path.join(outdir, `server-${++dev.builds}.mjs`);
  rmSync(path.join(outdir, `server-${dev.builds - 1}.mjs`), { force: true });
  writeFileSync(serverFile, server.outputFiles[0].text);
  return { script: client.outputFiles[0].text, css, serverUrl: pathToFileURL(serverFile).href };
}

/** app/globals.css through the project's PostCSS setup (Tailwind 4), as Next compiles it. */
async function tailwindCss() {
  const [{ default: postcss }, { default: tailwind }] = await Promise.all([import("postcss"), import("@tailwindcss/postcss")]);
  const from = path.join(ROOT, "app", "globals.css");
  const result = await postcss([tailwind({ base: ROOT })]).process(readFileSync(from, "utf8"), { from });
  return result.css;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const started = Date.now();
  const manifest = await buildLoginBundle();
  console.log(`login bundle: ${manifest.script}, ${manifest.worker}, stylesheets ${manifest.stylesheets.join(", ")} (${Date.now() - started} ms)`);
}
