import { randomUUID } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type PgBoss from "pg-boss";
import { Webhook } from "standardwebhooks";
import { afterAll, expect, it, vi } from "vitest";
import { seal } from "@/lib/crypto/sealed";
import { describeEachDatabase } from "@/test/db";
import { TEST_SECRETS } from "@/test/otp-context";
import { attemptWebhookDelivery, WEBHOOK_SECRET_SEAL } from "./deliver";
import { postWebhook } from "./http";

const SECRET = `whsec_${Buffer.from("documented-verifier-secret-32-by").toString("base64")}`;

/** The receiver exactly as docs/integration.md prints it. */
async function loadDocumentedReceiver(): Promise<{ server: Server }> {
  const doc = readFileSync(path.join(import.meta.dirname, "../../docs/integration.md"), "utf8");
  const code = /<!-- webhook-verifier:start -->\s*```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!code) throw new Error("webhook verifier block not found in docs/integration.md");
  const file = path.join(import.meta.dirname, `.webhook-verifier-${process.pid}-${randomUUID()}.mjs`);
  writeFileSync(file, code);
  vi.stubEnv("PHONEOTP_WEBHOOK_SECRET", SECRET);
  try {
    return await import(/* @vite-ignore */ file);
  } finally {
    rmSync(file);
  }
}

const { server } = await loadDocumentedReceiver();
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
afterAll(() => new Promise((resolve) => server.close(resolve)));

describeEachDatabase("the webhook verifier in docs/integration.md", (use) => {
  it("accepts a real signed delivery and refuses a forged one", async () => {
    const { db } = use();
    const endpointId = randomUUID();
    await db.webhookEndpoint.create({ data: { id: endpointId, url, events: ["verification.approved"], secretSealed: seal(TEST_SECRETS.OTP_SECRET, WEBHOOK_SECRET_SEAL, endpointId, SECRET) } });
    const payload = JSON.stringify({ type: "verification.approved", timestamp: new Date().toISOString(), data: { phone: "+255700000123", verificationId: "v1" } });
    await db.webhookDelivery.create({ data: { id: "msg_documented", endpointId, eventType: "verification.approved", payload } });
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const ctx = { db, boss: undefined as unknown as PgBoss, secret: TEST_SECRETS.OTP_SECRET, allowPrivate: true, timeoutMs: 2_000, now: () => new Date() };
    const outcome = await attemptWebhookDelivery(ctx, "msg_documented");
    expect(outcome).toMatchObject({ ok: true, status: "succeeded" });
    expect(log.mock.calls.some((call) => call.join(" ") === "verified +255700000123 v1")).toBe(true);
    log.mockRestore();

    const forged = new Webhook(`whsec_${Buffer.from("someone-else-secret-0123456789ab").toString("base64")}`);
    const now = new Date();
    const headers = { "webhook-id": "msg_forged", "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": forged.sign("msg_forged", now, payload) };
    expect(await postWebhook(url, payload, headers, { timeoutMs: 2_000, allowPrivate: true })).toMatchObject({ ok: false, status: 401 });
  });
});
