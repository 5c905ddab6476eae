/**
 * Production builds for the benchmark, made in copies under data/bench/build/ so the shared .next/
 * of the working tree (other people's e2e runs) is never touched:
 * - the product: `git archive HEAD` (the committed code, not half-edited files), `npm run build`;
 * - the framework floor: bench/floor-next copied, with a tsconfig pointing "@/*" at the repo root.
 * A copy lives inside the repo so Turbopack's root (the nearest lockfile) still contains node_modules.
 * Builds are reused while their key (a hash of the committed app files, or of the floor's files) is unchanged.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export const ROOT = process.cwd();
export const BUILD_DIR = path.join(ROOT, "data", "bench", "build");
export const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const MARKER = ".bench-build-ok";

function run(cmd: string, args: string[], cwd: string, logFile: string, env: Record<string, string> = {}) {
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  writeFileSync(logFile, `${r.stdout ?? ""}\n${r.stderr ?? ""}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd} (see ${logFile})`);
  return Math.round((performance.now() - started) / 1000);
}

/** Keeps the newest `keep` builds of a kind, so repeated runs do not fill the disk. */
function prune(prefix: string, keep: number) {
  const dirs = readdirSync(BUILD_DIR)
    .filter((d) => d.startsWith(prefix))
    .map((d) => ({ d, t: statSync(path.join(BUILD_DIR, d)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { d } of dirs.slice(keep)) rmSync(path.join(BUILD_DIR, d), { recursive: true, force: true });
}

const NOT_APP = /^(bench|e2e|docs|test)\/|\.test\.tsx?$|\.md$/;

/** HEAD, and a key that changes only when a file the build uses changes (not tests, docs, bench). */
function headCommit(ref: string): { commit: string; key: string } | undefined {
  try {
    const commit = execFileSync("git", ["rev-parse", `${ref}^{commit}`], { cwd: ROOT, encoding: "utf8" }).trim();
    const tree = execFileSync("git", ["ls-tree", "-r", commit], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const app = tree.split("\n").filter((line) => line && !NOT_APP.test(line.split("\t")[1] ?? ""));
    return { commit, key: createHash("sha1").update(app.join("\n")).digest("hex").slice(0, 12) };
  } catch {
    return undefined;
  }
}

export type Build = { dir: string; key: string; commit?: string; builtNow: boolean; seconds: number };

/** The product at HEAD, built once per commit (`npm run build`, i.e. prisma generate + next build). */
export function productBuild(opts: { rebuild?: boolean; log: (s: string) => void; env: Record<string, string>; ref?: string }): Build {
  mkdirSync(BUILD_DIR, { recursive: true });
  const head = headCommit(opts.ref ?? "HEAD");
  if (opts.ref && !head) throw new Error(`--ref ${opts.ref}: not a commit`);
  const key = head?.key ?? "worktree";
  const dir = path.join(BUILD_DIR, `product-${key}`);
  if (!opts.rebuild && existsSync(path.join(dir, MARKER))) return { dir, key, commit: readFileSync(path.join(dir, MARKER), "utf8").trim(), builtNow: false, seconds: 0 };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (head) {
    opts.log(`building the product at ${head.commit.slice(0, 12)} in ${path.relative(ROOT, dir)} (git archive + npm run build)…`);
    execFileSync("sh", ["-c", `git archive ${head.commit} | tar -x -C '${dir}'`], { cwd: ROOT });
  } else {
    opts.log(`building the product from the working tree in ${path.relative(ROOT, dir)}…`);
    const skip = new Set(["node_modules", ".next", "data", ".git", "test-results", "playwright-report"]);
    cpSync(ROOT, dir, { recursive: true, filter: (src) => !skip.has(path.relative(ROOT, src).split(path.sep)[0]) });
  }
  // Without its own lockfile the copy shares the repo's Turbopack root, where node_modules is.
  rmSync(path.join(dir, "package-lock.json"), { force: true });
  // Only the app is built: `next build` type-checks every included file, and a test file that is
  // half-committed (it happens in a shared tree) must not stop the benchmark.
  for (const p of ["e2e", "test", "bench", "playwright.config.ts", "vitest.config.ts"]) rmSync(path.join(dir, p), { recursive: true, force: true });
  removeTests(dir);
  // Built with the production configuration it will run with: prerendering reads env().
  const seconds = run("npm", ["run", "build"], dir, path.join(dir, "bench-build.log"), opts.env);
  writeFileSync(path.join(dir, MARKER), `${head?.commit ?? "worktree"}\n`);
  prune("product-", 3);
  return { dir, key, commit: head?.commit, builtNow: true, seconds };
}

function removeTests(dir: string) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== "node_modules") removeTests(p);
    else if (/\.test\.tsx?$/.test(e.name)) rmSync(p);
  }
}

function hashFiles(paths: string[]): string {
  const h = createHash("sha1");
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort()) if (e !== ".next" && e !== "node_modules") walk(path.join(p, e));
    } else {
      h.update(path.relative(ROOT, p));
      h.update(readFileSync(p));
    }
  };
  for (const p of paths) walk(p);
  return h.digest("hex").slice(0, 12);
}

/** bench/floor-next, copied and built with `next build` like the product. */
export function floorNextBuild(opts: { rebuild?: boolean; log: (s: string) => void }): Build {
  mkdirSync(BUILD_DIR, { recursive: true });
  const source = path.join(ROOT, "bench", "floor-next");
  const key = hashFiles([source, path.join(ROOT, "bench", "floor-common.ts"), path.join(ROOT, "prisma", "schema.prisma")]);
  const dir = path.join(BUILD_DIR, `floor-next-${key}`);
  if (!opts.rebuild && existsSync(path.join(dir, MARKER))) return { dir, key, builtNow: false, seconds: 0 };
  opts.log(`building the framework floor (bench/floor-next) in ${path.relative(ROOT, dir)}…`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, { recursive: true, filter: (src) => !/(^|\/)(\.next|node_modules)(\/|$)/.test(path.relative(source, src)) });
  const toRoot = path.relative(dir, ROOT);
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: "otp-bench-floor-next", private: true }, null, 2)}\n`);
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["dom", "dom.iterable", "esnext"],
          allowJs: true,
          skipLibCheck: true,
          strict: true,
          noEmit: true,
          esModuleInterop: true,
          module: "esnext",
          moduleResolution: "bundler",
          resolveJsonModule: true,
          isolatedModules: true,
          jsx: "react-jsx",
          paths: { "@/*": [`${toRoot}/*`] },
        },
        include: ["**/*.ts"],
        exclude: ["node_modules"],
      },
      null,
      2,
    )}\n`,
  );
  const seconds = run(process.execPath, [NEXT_BIN, "build"], dir, path.join(dir, "bench-build.log"));
  writeFileSync(path.join(dir, MARKER), `${key}\n`);
  prune("floor-next-", 2);
  return { dir, key, builtNow: true, seconds };
}
