/**
 * Server start: check the configuration (one line per bad variable, then exit), then open — and on
 * the embedded default, migrate — the database so the first request does not pay for it.
 */
import { parseDatabaseUrl } from "./db/connection";
import { getDatabase, getDb } from "./db";
import { log } from "./log";
import { pollMshastraDeliveryReports } from "./sms/delivery-reports";
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
  startDeliveryReportPolling();
}

const DLR_POLL_INTERVAL_MS = 60_000;

/**
 * mShastra reports delivery only when asked: poll recent `sent` messages once a minute (admins can
 * also trigger it). Every instance may poll; updates are idempotent.
 */
function startDeliveryReportPolling() {
  const config = env();
  if (!config.MSHASTRA_DLR_URL || !config.SMS_PROVIDER.includes("mshastra")) return;
  const timer = setInterval(async () => {
    try {
      const result = await pollMshastraDeliveryReports(await getDb(), config);
      if (result.checked) log.info("mshastra delivery reports polled", { ...result, errors: result.errors.length });
    } catch (error) {
      log.warn("mshastra delivery report poll failed", { error: (error as Error)?.name });
    }
  }, DLR_POLL_INTERVAL_MS);
  timer.unref();
}
