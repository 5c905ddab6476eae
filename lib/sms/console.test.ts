import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearOutbox, createConsoleProvider, findCode, latestOutboxMessage, listOutbox, OUTBOX_LIMIT } from "./console";
import { createProvidersFromEnv } from "./sender";
import { spyOnLogs, testEnv } from "./test-gateway";

const dev = { isProduction: false, SMS_ALLOW_CONSOLE_IN_PRODUCTION: false };
const signal = new AbortController().signal;

describe("console provider", () => {
  let logs: ReturnType<typeof spyOnLogs>;
  beforeEach(() => {
    clearOutbox();
    logs = spyOnLogs();
  });
  afterEach(() => logs.restore());

  it("prints the message to the server log and keeps it in the outbox", async () => {
    const provider = createConsoleProvider(dev);
    const result = await provider.send({ to: "+255700000101", text: "Your code is 123456", purpose: "Login" }, signal);
    expect(result).toMatchObject({ ok: true, status: "sent", provider: "console", transient: false });
    expect(result.providerMessageId).toMatch(/^console-/);
    expect(logs.lines).toHaveLength(1);
    expect(logs.lines[0]).toContain("+255700000101");
    expect(logs.lines[0]).toContain("123456");
    expect(latestOutboxMessage("+255700000101")).toMatchObject({ to: "+255700000101", text: "Your code is 123456", purpose: "Login" });
  });

  it("lists newest first and filters by number", async () => {
    const provider = createConsoleProvider(dev);
    await provider.send({ to: "+255700000102", text: "first 111111", purpose: "Login" }, signal);
    await provider.send({ to: "+255700000103", text: "other 222222", purpose: "Login" }, signal);
    await provider.send({ to: "+255700000102", text: "second 333333", purpose: "Registration" }, signal);
    expect(listOutbox().map((m) => m.text)).toEqual(["second 333333", "other 222222", "first 111111"]);
    expect(listOutbox("+255700000102").map((m) => m.text)).toEqual(["second 333333", "first 111111"]);
    expect(latestOutboxMessage("+255700000102")?.text).toBe("second 333333");
    expect(latestOutboxMessage("+255700000199")).toBeUndefined();
  });

  it(`keeps only the newest ${OUTBOX_LIMIT} messages`, async () => {
    const provider = createConsoleProvider(dev);
    for (let i = 0; i < OUTBOX_LIMIT + 5; i++) await provider.send({ to: "+255700000104", text: `n ${i}`, purpose: "Login" }, signal);
    const all = listOutbox();
    expect(all).toHaveLength(OUTBOX_LIMIT);
    expect(all[0].text).toBe(`n ${OUTBOX_LIMIT + 4}`);
    expect(all.at(-1)?.text).toBe("n 5");
  });

  it("shares one outbox across module copies through globalThis", async () => {
    await createConsoleProvider(dev).send({ to: "+255700000105", text: "x 123456", purpose: "Login" }, signal);
    const store = (globalThis as unknown as { __smsOutbox: { messages: unknown[] } }).__smsOutbox;
    expect(store.messages).toHaveLength(1);
  });

  it("is refused in production unless explicitly allowed", () => {
    expect(() => createConsoleProvider({ isProduction: true, SMS_ALLOW_CONSOLE_IN_PRODUCTION: false })).toThrow(/refused in production/);
    expect(() => createConsoleProvider({ isProduction: true, SMS_ALLOW_CONSOLE_IN_PRODUCTION: true })).not.toThrow();
  });

  it("is refused by the provider factory too, even with a configuration that skipped env validation", () => {
    const config = { ...testEnv({ SMS_PROVIDER: "console" }), isProduction: true };
    expect(() => createProvidersFromEnv(config)).toThrow(/refused in production/);
  });

  it("finds the code in a text, preferring the WebOTP line", () => {
    expect(findCode("Your code is 482913. It expires in 5 minutes.")).toBe("482913");
    expect(findCode("Order 1234 code below\n\n@example.com #998877")).toBe("998877");
    expect(findCode("no digits here")).toBeUndefined();
  });
});
