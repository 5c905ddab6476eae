/**
 * Server start: check the configuration (one line per bad variable, then exit), then open — and on
 * the embedded default, migrate — the database so the first request does not pay for it.
 */
import { parseDatabaseUrl } from "./db/connection";
import { getDatabase } from "./db";
import { env, EnvError } from "./env";
import { installSocketIpHeader } from "./socket-ip";

function fail(lines: string[]): never {
  for (const line of lines) console.error(`Configuration error: ${line}`);
  process.exit(1);
}

export async function startServer() {
  installSocketIpHeader();
  try {
    env();
  } catch (error) {
    if (error instanceof EnvError) fail(error.problems);
    throw error;
  }
  try {
    parseDatabaseUrl(env().DATABASE_URL);
  } catch (error) {
    fail([`DATABASE_URL: ${(error as Error).message.split("\n")[0]}`]);
  }
  await getDatabase().catch((error: Error) => {
    // Not fatal: /api/health reports it and the next request retries the connection.
    console.error(`Database not reachable yet: ${error.message.split("\n")[0]}`);
  });
}
