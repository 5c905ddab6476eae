/**
 * Better Auth as a user would set it up for phone login: the `better-auth` package with its
 * phoneNumber plugin (signUpOnVerification: verify creates the user and a session), its own
 * PostgreSQL database through a pg Pool, the SMS sent through the same fake gateway as the product
 * and awaited (no background tasks), every other option at its default (rate limits included).
 * Shared by the server (bench/better-auth/server.ts) and the migration (bench/lib/db.ts).
 */
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { phoneNumber } from "better-auth/plugins/phone-number";
import pg from "pg";
import { sendSms } from "../floor-common";

export const BETTER_AUTH_SECRET = "bench-better-auth-secret-0123456789abcdef0123456789";

export function betterAuthOptions(o: { databaseUrl: string; gatewayUrl: string; baseURL: string; poolSize: number }) {
  const pool = new pg.Pool({ connectionString: o.databaseUrl, max: o.poolSize });
  return {
    pool,
    options: {
      baseURL: o.baseURL,
      secret: BETTER_AUTH_SECRET,
      database: pool,
      telemetry: { enabled: false },
      plugins: [
        phoneNumber({
          sendOTP: async ({ phoneNumber: phone, code }) => {
            if (!(await sendSms(o.gatewayUrl, phone, code))) throw new Error("sms_failed");
          },
          signUpOnVerification: {
            getTempEmail: (phone) => `${phone.slice(1)}@phone.bench.invalid`,
            getTempName: (phone) => phone,
          },
        }),
      ],
    } satisfies BetterAuthOptions,
  };
}

export function createAuth(o: Parameters<typeof betterAuthOptions>[0]) {
  const { pool, options } = betterAuthOptions(o);
  return { pool, auth: betterAuth(options) };
}
