import http from "node:http";
import { Webhook } from "standardwebhooks";
import { ADMIN_STORAGE_STATE, expect, test, uniquePhone } from "./fixtures";

/** The developer's receiver: a real HTTP server that verifies each delivery's signature. */
function startReceiver(port: number) {
  const received: { id: string; type: string; phone?: string }[] = [];
  let secret = "";
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      try {
        const event = new Webhook(secret).verify(body, req.headers as Record<string, string>) as { type: string; data: { phone?: string } };
        received.push({ id: String(req.headers["webhook-id"]), type: event.type, phone: event.data.phone });
        res.writeHead(200, { "content-type": "text/plain" }).end("thanks");
      } catch {
        res.writeHead(401).end("bad signature");
      }
    });
  });
  return new Promise<{ url: string; received: typeof received; useSecret: (s: string) => void; close: () => Promise<void> }>((resolve) =>
    server.listen(port, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${port}/hooks/otp`, received, useSecret: (s) => (secret = s), close: () => new Promise((done) => server.close(() => done())) }),
    ),
  );
}

test.describe("admin Webhooks page", () => {
  test.use({ storageState: ADMIN_STORAGE_STATE });
  test.describe.configure({ timeout: 90_000 });

  test("adds an endpoint whose secret is shown once, delivers a signed event, redelivers it and deletes the endpoint", async ({ page, request }, testInfo) => {
    // +30 and +31 are the channels server and its fake (playwright.config.ts).
    const receiver = await startReceiver(Number(process.env.E2E_PORT ?? 3210) + 40);
    try {
      await page.goto("/admin/webhooks");
      await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
      await page.getByLabel("URL").fill(receiver.url);
      await page.getByLabel(/verification\.sent/).check();
      await page.getByRole("button", { name: "Add endpoint" }).click();
      const shown = page.getByTestId("new-webhook-secret");
      await expect(shown).toBeVisible();
      const secret = (await shown.textContent())!;
      expect(secret).toMatch(/^whsec_/);
      receiver.useSecret(secret);
      await testInfo.attach("webhooks page", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

      await page.goto("/admin/webhooks");
      await expect(page.getByTestId("new-webhook-secret")).toHaveCount(0); // shown once
      expect(await page.content()).not.toContain(secret);

      const phone = uniquePhone();
      expect((await request.post("/api/otp/send", { data: { phone, purpose: "Login" } })).status()).toBe(200);
      await expect.poll(() => receiver.received.filter((r) => r.phone === phone).length, { timeout: 20_000 }).toBe(1);

      await page.getByTestId("webhook-row").filter({ hasText: receiver.url }).getByRole("link").click();
      await expect(page.getByRole("heading", { level: 1, name: "Webhook endpoint" })).toBeVisible();
      // The row of this send's delivery (its id is the webhook-id): other tests send codes meanwhile.
      const deliveryId = receiver.received.find((r) => r.phone === phone)!.id;
      const row = page.getByTestId("webhook-delivery-row").filter({ hasText: deliveryId });
      await expect(async () => {
        await page.reload();
        await expect(row).toContainText("succeeded", { timeout: 1_000 });
      }).toPass({ timeout: 15_000 });
      await expect(row).toContainText("verification.sent");
      await expect(row).toContainText("200");
      await expect(row).toContainText(" ms");

      await row.getByRole("button", { name: "Redeliver" }).click();
      await expect(page.getByRole("status")).toContainText("Redelivery queued");
      await expect.poll(() => receiver.received.filter((r) => r.phone === phone).length, { timeout: 20_000 }).toBe(2);
      const [first, second] = receiver.received.filter((r) => r.phone === phone);
      expect(second.id).toBe(first.id); // the same webhook-id: receivers deduplicate on it
      await expect(async () => {
        await page.reload();
        await expect(row.getByTestId("webhook-delivery-attempts")).toHaveText("2", { timeout: 1_000 });
      }).toPass({ timeout: 15_000 });
      await row.locator("summary").click();
      await expect(row.getByTestId("webhook-attempts")).toContainText("redelivery");
      await testInfo.attach("webhook deliveries", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

      await page.getByRole("button", { name: "Delete endpoint" }).click();
      await expect(page).toHaveURL(/\/admin\/webhooks$/);
      await expect(page.getByTestId("webhook-row").filter({ hasText: receiver.url })).toHaveCount(0);
    } finally {
      await receiver.close();
    }
  });
});
