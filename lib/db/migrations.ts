/**
 * Applies prisma/migrations with Prisma's schema engine compiled to WebAssembly, through a driver
 * adapter. The native engine (what `prisma migrate` uses) cannot be downloaded on our machines; this
 * records the same `_prisma_migrations` rows, so both stay interchangeable.
 */
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import type { Db } from "./connection";

export const PRISMA_DIR = path.join(process.cwd(), "prisma");
const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
const SCHEMA_FILE = path.join(PRISMA_DIR, "schema.prisma");
const ENGINE_MODULE = ["@prisma", "schema-engine-wasm", "schema_engine_bg"].join("/");
const NO_FILTERS = { externalTables: [], externalEnums: [] };

type WasmEngine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string }>;
  free?(): void;
};
type EngineModule = { SchemaEngine: { new: (o: unknown, log: (l: string) => void, a: object) => Promise<WasmEngine> } };

let enginePromise: Promise<EngineModule> | undefined;

/** Loads the wasm once per process; the package's exports do not expose the .wasm file itself. */
function loadEngineModule(): Promise<EngineModule> {
  enginePromise ??= (async () => {
    // Resolved from the project root at run time: bundlers must not rewrite this into a module id.
    const resolveFromRoot = createRequire(path.join(process.cwd(), "package.json")).resolve;
    const bgPath = resolveFromRoot(ENGINE_MODULE);
    const bg = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ pathToFileURL(bgPath).href);
    const bytes = await readFile(path.join(path.dirname(bgPath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bg as EngineModule;
  })();
  return enginePromise;
}

async function schemaFiles() {
  return [{ path: "schema.prisma", content: await readFile(SCHEMA_FILE, "utf8") }];
}

/**
 * @prisma/adapter-pg runs a migration script by splitting it on ";", which breaks any function body
 * (plpgsql). The native engine sends the script whole; so do we, through pg's simple-query protocol.
 */
function runScriptsWhole(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const driver = (adapter as { underlyingDriver?: () => unknown }).underlyingDriver?.();
  if (!(driver instanceof pg.Pool)) return adapter;
  adapter.executeScript = async (script: string) => {
    await driver.query(script);
  };
  return adapter;
}

type EngineSession = { engine: WasmEngine; close(): Promise<void> };

/**
 * The engine never disposes the connections it opens; on PostgreSQL that leaves a pool holding
 * Prisma's migration advisory lock, and the next run waits 10 s for it. We track and dispose them.
 */
async function openEngine(factory: SqlMigrationAwareDriverAdapterFactory): Promise<EngineSession> {
  const { SchemaEngine } = await loadEngineModule();
  const files = await schemaFiles();
  const opened: { dispose(): Promise<void> }[] = [];
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      return runScriptsWhole(adapter);
    },
    connectToShadowDb: async () => {
      const adapter = await factory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const engine = await SchemaEngine.new(
    { datamodels: files.map((f) => [f.path, f.content]) },
    () => {},
    bindMigrationAwareSqlAdapterFactory(tracking),
  );
  return {
    engine,
    close: async () => {
      engine.free?.();
      await Promise.all(opened.map((a) => a.dispose().catch(() => {})));
    },
  };
}

/** The migration directories in prisma/migrations, oldest first (their names start with a timestamp). */
async function migrationNames(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function migrationsList() {
  const dirs = await migrationNames();
  const lockPath = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  const lockContent = await readFile(lockPath, "utf8").catch(() => 'provider = "postgresql"\n');
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      dirs.map(async (dir) => ({
        path: dir,
        migrationFile: {
          path: "migration.sql",
          content: { tag: "ok", value: await readFile(path.join(MIGRATIONS_DIR, dir, "migration.sql"), "utf8") },
        },
      })),
    ),
  };
}

/** Applies pending migrations; returns the names applied (empty when up to date). */
export async function applyMigrations(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const { engine, close } = await openEngine(factory);
  try {
    const out = await engine.applyMigrations({ migrationsList: await migrationsList(), filters: NO_FILTERS });
    return out.appliedMigrationNames;
  } finally {
    await close();
  }
}

/**
 * SQL that takes a database holding the current migration history to the schema in schema.prisma,
 * or null when there is nothing to change. `factory` must point at an empty scratch database.
 */
export async function diffAgainstHistory(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string | null> {
  await applyMigrations(factory);
  const { engine, close } = await openEngine(factory);
  try {
    const files = await schemaFiles();
    const out = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: PRISMA_DIR },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    const sql = out.stdout.trim();
    return sql === "" || /empty migration/i.test(sql) ? null : `${sql}\n`;
  } finally {
    await close();
  }
}

/**
 * Migrations in prisma/migrations that this database has not finished applying, read from Prisma's
 * own `_prisma_migrations` table (all of them when the table does not exist yet).
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const known = await migrationNames();
  const [table] = await db.$queryRaw<{ exists: boolean }[]>`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS "exists"`;
  if (!table?.exists) return known;
  const done = await db.$queryRaw<{ name: string }[]>`
    SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const applied = new Set(done.map((r) => r.name));
  return known.filter((name) => !applied.has(name));
}
