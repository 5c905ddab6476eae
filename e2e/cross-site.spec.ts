import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, readCodeFromOutbox, test, uniquePhone } from "./fixtures";

// The review's attack in a real browser: a page on another origin (a bare local server on another
// port) posts a CORS-"simple" text/plain body to our send routes. Chromium sends it (no preflight)
// with Origin and Sec-Fetch-Site: cross-site; the server must send no SMS.
let evil: http.Server;
let evilUrl = "";
test.beforeAll(async () => {
  evil = http.createServer((_req, res) => res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>evil</title>"));
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
});
test.afterAll(() => new Promise<void>((resolve) => evil.close(() => resolve())));

test.describe("cross-site requests from a real browser", () => {
  test("a page on another origin cannot make its visitor's browser send a code", async ({ page, request, baseURL }) => {
    const phone = uniquePhone();
    await page.goto(evilUrl);
    for (const path of ["/api/users/send-otp/", "/api/otp/send"]) {
      await page.evaluate(
        async ({ url, body }) => {
          await fetch(url, { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body });
        },
        { url: `${baseURL}${path}`, body: JSON.stringify({ phone: path.startsWith("/api/users") ? phone.slice(1) : phone }) },
      );
    }
    const outbox = await request.get(`/api/dev/outbox?to=${encodeURIComponent(phone)}`);
    expect((await outbox.json()).messages).toEqual([]);
  });

  test("our own page still sends, with its Origin", async ({ page, request, baseURL }) => {
    const phone = uniquePhone();
    await page.goto(`${baseURL}/login`);
    const status = await page.evaluate(async (body) => {
      const res = await fetch("/api/otp/send", { method: "POST", headers: { "Content-Type": "application/json" }, body });
      return res.status;
    }, JSON.stringify({ phone }));
    expect(status).toBe(200);
    expect(await readCodeFromOutbox(request, phone)).toMatch(/^\d{6}$/);
  });
});
