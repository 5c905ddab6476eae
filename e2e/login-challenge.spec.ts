import { expect, nationalDigits, test, uniquePhone } from "./fixtures";

// OTP_CHALLENGE=adaptive asks for a proof of work only while risk is elevated. A send must not wait
// for a solution the server does not need: on a slow phone that wait is seconds of "Checking your
// browser…". The challenge here is adaptive and cannot be solved (no number up to 10 million
// matches), so the worker is still busy when the person confirms; the send goes without it.
test("an adaptive challenge still being solved does not hold up the send @mobile", async ({ page }) => {
  await page.route("**/api/otp/challenge", (route) =>
    route.fulfill({
      json: { provider: "altcha", mode: "adaptive", algorithm: "SHA-256", challenge: "0".repeat(64), maxnumber: 10_000_000, salt: "unsolvable", signature: "0".repeat(64) },
    }),
  );
  const challengeFetched = page.waitForResponse("**/api/otp/challenge");
  const posts: Record<string, string>[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/login/send") && r.method() === "POST") posts.push(Object.fromEntries(new URLSearchParams(r.postData() ?? "")));
  });
  await page.goto("/login");
  await challengeFetched;
  await page.getByLabel("Phone number", { exact: true }).fill(nationalDigits(uniquePhone()));
  await page.getByRole("button", { name: "Send code" }).click();
  await page.getByRole("button", { name: /^Yes, send the code/ }).click();
  await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible({ timeout: 5_000 });
  expect(posts.at(-1)).toMatchObject({ intent: "confirm", challenge: "" });
  await expect(page.getByText("Checking your browser…")).toHaveCount(0);
});
