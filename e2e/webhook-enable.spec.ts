/**
 * A disabled webhook endpoint is enabled again from its admin page with JavaScript off: a plain form
 * post, answered 303, back on the page that now says Enabled. The endpoint is disabled in the
 * database while its server is stopped (in production that takes a day of failed deliveries).
 */
import { expect, snap, test } from "./fixtures";
import { OWN_ADMIN_ENV, OWN_BASE as BASE, ownDatabase, signInOwnAdmin, startOwnServer, waitForHealth, type OwnServer } from "./own-server";

test.use({ javaScriptEnabled: false });

test("Enable endpoint on a disabled endpoint's page works without JavaScript (303) and is audited", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const database = await ownDatabase("pglite", "webhook-enable");
  const env = { ...database.env, ...OWN_ADMIN_ENV };
  let server: OwnServer | undefined;
  const stop = async () => {
    server?.child.kill("SIGTERM");
    expect(await server?.exited).toBe(0);
  };
  try {
    server = startOwnServer(env);
    await waitForHealth(server);
    await signInOwnAdmin(page.request);
    const created = await page.request.post(`${BASE}/api/admin/webhooks`, { data: { url: "http://127.0.0.1:9/hooks", events: ["sms.failed"] } });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await stop();
    await database.query(`UPDATE "WebhookEndpoint" SET "disabledAt" = now(), "disabledReason" = '7 attempts over about a day failed (last: http_500)' WHERE id = $1`, [id]);
    server = startOwnServer(env);
    await waitForHealth(server);

    await page.goto(`${BASE}/admin/webhooks/${id}`);
    await expect(page.getByText(/^Disabled .*: 7 attempts over about a day failed \(last: http_500\)$/)).toBeVisible();
    await snap(page, testInfo, "webhook-endpoint-disabled");
    const posted = page.waitForResponse((res) => res.request().method() === "POST" && new URL(res.url()).pathname === `/admin/webhooks/${id}`);
    await page.getByRole("button", { name: "Enable endpoint" }).click();
    expect((await posted).status()).toBe(303);
    await expect(page).toHaveURL(`${BASE}/admin/webhooks/${id}?enabled=1`);
    await expect(page.getByRole("status")).toContainText("Endpoint enabled");
    await expect(page.getByText("Enabled", { exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Enable endpoint" })).toHaveCount(0);
    await snap(page, testInfo, "webhook-endpoint-enabled");

    const [listed] = ((await (await page.request.get(`${BASE}/api/admin/webhooks`)).json()) as { items: { id: string; disabledAt: string | null }[] }).items;
    expect(listed).toMatchObject({ id, disabledAt: null });
    await stop();
    server = undefined;
    const audits = await database.query<{ type: string }>(`SELECT type FROM "AuditEvent" WHERE type LIKE 'webhook_endpoint_%' ORDER BY "createdAt"`);
    expect(audits.map((a) => a.type)).toEqual(["webhook_endpoint_created", "webhook_endpoint_enabled"]);
  } finally {
    if (server) await stop().catch(() => {});
    await database.drop();
  }
});
