import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { openDatabase } from "@/lib/db/connection";

it("keeps every committed row of the embedded database after a kill -9 mid-write", async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "otp-durability-")), "pglite");
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "test/fixtures/pglite-writer.ts", dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const committed: string[] = [];
  let buffer = "";
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line && line !== "ready") committed.push(line);
      // Kill while it is busy writing, well past the first rows.
      if (committed.length >= 200) child.kill("SIGKILL");
    });
    // Reopen only once the writer is gone: until then its lock on the directory holds.
    child.on("exit", () => resolve());
  });
  expect(committed.length).toBeGreaterThanOrEqual(200);

  const reopened = await openDatabase({ kind: "pglite", dataDir: dir });
  try {
    const rows = await reopened.db.auditEvent.findMany({ where: { id: { in: committed } }, select: { id: true } });
    expect(rows.length).toBe(committed.length);
  } finally {
    await reopened.close();
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}, 60_000);
