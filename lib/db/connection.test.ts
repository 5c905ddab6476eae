import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "./connection";
import { describeEachDatabase } from "@/test/db";
import { applyMigrations } from "./migrations";

describe("parseDatabaseUrl", () => {
  it("uses embedded PGlite under ./data when DATABASE_URL is unset or empty", () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: "pglite", dataDir: "data/pglite" });
    expect(parseDatabaseUrl("  ")).toEqual({ kind: "pglite", dataDir: "data/pglite" });
  });
  it("accepts file: URLs and bare directory paths for PGlite", () => {
    expect(parseDatabaseUrl("file:./tmp/db")).toEqual({ kind: "pglite", dataDir: "./tmp/db" });
    expect(parseDatabaseUrl("/var/lib/otp")).toEqual({ kind: "pglite", dataDir: "/var/lib/otp" });
    expect(parseDatabaseUrl("memory://")).toEqual({ kind: "pglite", dataDir: undefined });
  });
  it("uses the PostgreSQL server for postgres:// and postgresql:// URLs", () => {
    expect(parseDatabaseUrl("postgresql://postgres@127.0.0.1:5432/x").kind).toBe("postgres");
    expect(parseDatabaseUrl("postgres://u:p@db/x").kind).toBe("postgres");
  });
  it("rejects other schemes with an actionable message", () => {
    expect(() => parseDatabaseUrl("mysql://root@localhost/x")).toThrow(/DATABASE_URL must be/);
  });
});

describeEachDatabase("migrations", (use) => {
  it("applying the history twice is a no-op", async () => {
    expect(await applyMigrations(use().adapterFactory)).toEqual([]);
    const rows = await use().db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "_prisma_migrations"`;
    expect(Number(rows[0].n)).toBeGreaterThan(0);
  });
});
