// npm run keys:rotate — publishes a new verification-token signing key, which signs from one minute
// on; the current key retires then and stays in /.well-known/jwks.json until its tokens expired.
import { openDatabase, parseDatabaseUrl } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrations";
import { env } from "../lib/env";
import { otpConfigFromEnv } from "../lib/otp/config";
import { rotateSigningKeys } from "../lib/otp/verification-token";
import { runScript } from "./run-script";

runScript(async () => {
  const config = env();
  const otp = otpConfigFromEnv(config);
  const target = parseDatabaseUrl(config.DATABASE_URL);
  const database = await openDatabase(target, { poolSize: 1 });
  try {
    if (target.kind === "pglite") await applyMigrations(database.adapterFactory);
    const result = await rotateSigningKeys(database.db, { secret: otp.secret, ...otp.verificationToken }, new Date());
    console.log(
      `New signing key ${result.kid} is published and signs from ${result.activatesAt.toISOString()}; ` +
        `${result.retired} older key(s) retire then and stay published ${otp.verificationToken.ttlSeconds / 60 + 5} more minutes` +
        (result.deleted ? `; ${result.deleted} long-expired key(s) deleted.` : "."),
    );
  } finally {
    await database.close();
  }
});
