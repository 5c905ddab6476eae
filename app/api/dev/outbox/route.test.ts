import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

const BASE_ENV = {
  NODE_ENV: "test",
  OTP_SECRET: "outbox-test-otp-secret-0123456789abcdef",
  NEXTAUTH_SECRET: "outbox-test-nextauth-secret-0123456789a",
  LOG_LEVEL: "error",
};

/** Fresh modules, so lib/env parses the stubbed variables again. */
async function load(vars: Record<string, string>) {
  vi.resetModules();
  vi.unstubAllEnvs();
  for (const [key, value] of Object.entries({ ...BASE_ENV, ...vars })) vi.stubEnv(key, value);
  const route = await import("./route");
  const consoleSms = await import("@/lib/sms/console");
  const page = await import("@/app/dev/inbox/page");
  return { GET: route.GET, consoleSms, Page: page.default };
}

const get = (query = "") => new Request(`http://localhost/api/dev/outbox${query}`);

afterAll(() => vi.unstubAllEnvs());

describe("GET /api/dev/outbox with the console provider", () => {
  let mod: Awaited<ReturnType<typeof load>>;
  beforeEach(async () => {
    mod = await load({ SMS_PROVIDER: "console" });
    mod.consoleSms.clearOutbox();
    const provider = mod.consoleSms.createConsoleProvider({ isProduction: false, SMS_ALLOW_CONSOLE_IN_PRODUCTION: false });
    vi.spyOn(console, "log").mockImplementation(() => {});
    const signal = new AbortController().signal;
    await provider.send({ to: "+255700000201", text: "Your PhoneOTP code is 111111.", purpose: "Login" }, signal);
    await provider.send({ to: "+255700000202", text: "Your PhoneOTP code is 222222.", purpose: "Login" }, signal);
    await provider.send({ to: "+255700000201", text: "Your PhoneOTP code is 333333.\n\n@example.com #333333", purpose: "Registration" }, signal);
  });

  it("lists every captured message, newest first", async () => {
    const res = await mod.GET(get());
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.messages.map((m: { text: string }) => m.text.slice(0, 29))).toEqual([
      "Your PhoneOTP code is 333333.",
      "Your PhoneOTP code is 222222.",
      "Your PhoneOTP code is 111111.",
    ]);
    expect(body.messages[0]).toMatchObject({ to: "+255700000201", purpose: "Registration", code: "333333", createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it("filters by ?to=, with the plus encoded or left as typed", async () => {
    for (const query of ["?to=%2B255700000201", "?to=+255700000201"]) {
      const body = await (await mod.GET(get(query))).json();
      expect(body.messages.map((m: { code: string }) => m.code)).toEqual(["333333", "111111"]);
    }
  });

  it("rejects a malformed number with 400", async () => {
    const res = await mod.GET(get("?to=not-a-phone"));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("validation_error");
  });

  it("renders the inbox page", async () => {
    await expect(mod.Page({ searchParams: Promise.resolve({}) })).resolves.toBeTruthy();
  });
});

describe("GET /api/dev/outbox without the console provider", () => {
  it("answers 404, and so does the inbox page", async () => {
    const mod = await load({ SMS_PROVIDER: "twilio", TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "tok", TWILIO_FROM: "+15005550006" });
    const res = await mod.GET(get());
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
    const notFound = await mod.Page({ searchParams: Promise.resolve({}) }).catch((e: { digest?: string }) => e);
    expect((notFound as { digest?: string }).digest).toMatch(/404/);
  });
});
