import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import openapiTS, { astToString } from "openapi-typescript";
import { readCodeFromOutbox, uniquePhone } from "./fixtures";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const CLIENT_DIR = path.join(import.meta.dirname, "openapi-client");

type ReadCode = (phone: string) => Promise<string>;

test.describe("a typed client generated from the served OpenAPI document", () => {
  test("generates with openapi-typescript, type-checks with tsc --strict, and runs send → verify through openapi-fetch", async ({ request, baseURL }) => {
    test.setTimeout(90_000);
    const served = await request.get("/api/openapi.json");
    expect(served.status()).toBe(200);
    const document = await served.json();
    expect(document.servers[0].url).toBe(baseURL);

    // What a developer runs: npx openapi-typescript <url>/api/openapi.json -o schema.d.ts
    const types = astToString(await openapiTS(document));
    mkdirSync(path.join(CLIENT_DIR, "generated"), { recursive: true });
    writeFileSync(path.join(CLIENT_DIR, "generated", "schema.d.ts"), types);
    await run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(CLIENT_DIR, "tsconfig.json")]).catch((error: { stdout?: string }) => {
      throw new Error(`tsc --strict failed:\n${error.stdout}`);
    });

    // Loaded by a computed path: the project's own typecheck must not follow it into the client that
    // only exists once this test has generated it (it has its own strict tsconfig, checked above).
    const flowModule = "./openapi-client/flow";
    const { nativeSendVerify, seedSendVerify } = (await import(flowModule)) as {
      nativeSendVerify(baseUrl: string, phone: string, readCode: ReadCode): Promise<{ loginToken: string; attemptsLeft: number }>;
      seedSendVerify(baseUrl: string, phone: string, readCode: ReadCode): Promise<boolean>;
    };
    const readCode = (phone: string) => readCodeFromOutbox(request, phone);
    const native = await nativeSendVerify(baseURL!, uniquePhone(), readCode);
    expect(native.loginToken).toMatch(/^verified:[\w-]+\.[\w-]{40,}$/);
    expect(native.attemptsLeft).toBe(4);
    expect(await seedSendVerify(baseURL!, uniquePhone(), readCode)).toBe(true);
  });
});
