/** App wiring for the OTP domain: database, configuration and SMS sender built once per process. */
import { getDb } from "../db";
import { env } from "../env";
import { createChannelSenders } from "../sms/channels";
import { createSmsSender } from "../sms/sender";
import { otpConfigFromEnv } from "./config";
import type { OtpContext } from "./service";

const globalForOtp = globalThis as unknown as { __otpStatic?: Omit<OtpContext, "db"> };

export async function getOtpContext(): Promise<OtpContext> {
  globalForOtp.__otpStatic ??= {
    config: otpConfigFromEnv(env()),
    sms: createSmsSender(env()),
    channels: createChannelSenders(env()),
    now: () => new Date(),
  };
  return { ...globalForOtp.__otpStatic, db: await getDb() };
}
