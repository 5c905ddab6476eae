// npm run admin:add -- <phone> — grants the ADMIN role to a phone number (creating the user if needed).
import { normalizePhone, promoteToAdmin } from "../lib/auth/users";
import { openDatabase, parseDatabaseUrl } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrations";
import { env } from "../lib/env";
import { runScript } from "./run-script";

runScript(async () => {
  const input = process.argv.slice(2).join(" ").trim();
  if (!input) throw new Error("Usage: npm run admin:add -- <phone>   e.g. npm run admin:add -- +255712345678");
  const config = env();
  const phone = normalizePhone(input, config.PHONE_DEFAULT_COUNTRY);
  if (!phone) throw new Error(`'${input}' is not a valid phone number (use +<country code><number>, or a ${config.PHONE_DEFAULT_COUNTRY} number)`);
  const target = parseDatabaseUrl(config.DATABASE_URL);
  const database = await openDatabase(target, { poolSize: 1 });
  try {
    // The embedded database may never have been opened by the app yet.
    if (target.kind === "pglite") await applyMigrations(database.adapterFactory);
    const { created, changed } = await promoteToAdmin(database.db, phone);
    if (!changed) console.log(`${phone} is already an admin.`);
    else if (created) console.log(`${phone} is now an admin (new user: they can log in at /login).`);
    else console.log(`${phone} is now an admin (takes effect on their next page load).`);
  } finally {
    await database.close();
  }
});
