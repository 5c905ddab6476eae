import { afterAll, expect, it } from "vitest";
import { openDatabase, type OpenDatabase } from "@/lib/db/connection";
import { createTestDatabase } from "@/test/db";
import { stubRouteEnv } from "@/test/routes";

stubRouteEnv();
const { GET } = await import("./route");

const opened: OpenDatabase[] = [];
afterAll(() => Promise.all(opened.map((d) => d.close())));

function useDatabase(database: OpenDatabase) {
  opened.push(database);
  (globalThis as { __otpDb?: Promise<unknown> }).__otpDb = Promise.resolve(database);
}

it("answers 200 ok after a real query on a migrated database", async () => {
  useDatabase(await createTestDatabase("pglite"));
  const res = await GET();
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: "ok", db: "ok" });
});

it("answers 503 on a database that is reachable but has no migrations", async () => {
  useDatabase(await openDatabase({ kind: "pglite", dataDir: undefined }));
  const res = await GET();
  expect(res.status).toBe(503);
  expect(await res.json()).toEqual({ status: "error", db: "error" });
});
