/** Real errors from the driver adapter, not hand-made look-alikes: what a server down or missing throws. */
import { describe, expect, it } from "vitest";
import { openDatabase } from "./connection";
import { describeDatabaseError, isDatabaseUnavailable } from "./errors";

const POSTGRES_URL = process.env.TEST_POSTGRES_URL?.trim() || undefined;

async function errorFrom(url: string, sql = "SELECT 1"): Promise<unknown> {
  const database = await openDatabase({ kind: "postgres", url }, { poolSize: 1 });
  try {
    await database.db.$queryRawUnsafe(sql);
  } catch (error) {
    return error;
  } finally {
    await database.close();
  }
  throw new Error("expected the query to fail");
}

it("treats a server that cannot be reached as unavailable, and names where it looked", async () => {
  const error = await errorFrom("postgresql://postgres@127.0.0.1:5999/otp");
  expect(isDatabaseUnavailable(error)).toBe(true);
  expect(describeDatabaseError(error)).toBe("DatabaseNotReachable (127.0.0.1:5999)");
});

describe.skipIf(!POSTGRES_URL)("on a PostgreSQL server", () => {
  const url = (name: string) => {
    const u = new URL(POSTGRES_URL!);
    u.pathname = `/${name}`;
    return u.toString();
  };

  it("treats a database that does not exist as unavailable (503), not as a bug", async () => {
    const error = await errorFrom(url("otp_test_missing_database"));
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(describeDatabaseError(error)).toBe('DatabaseDoesNotExist 3D000: database "otp_test_missing_database" does not exist');
  });

  it("does not mistake a failing query for an unavailable database", async () => {
    const error = await errorFrom(POSTGRES_URL!, 'SELECT 1 FROM "no_such_table"');
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
