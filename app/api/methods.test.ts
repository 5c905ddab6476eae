/**
 * Walks every route file under app/api: each HTTP method is either implemented or refused with 405,
 * an `Allow` header naming exactly the implemented methods, and the error shape (the seed's routes:
 * Django's `{ detail }`). A new route that forgets otherMethods() fails here.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isMethodRefusal } from "@/lib/api/methods";
import { stubRouteEnv } from "@/test/routes";

stubRouteEnv();

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const API_DIR = path.join(process.cwd(), "app", "api");
// The catch-all answers every method with 404 not_found: there is no route there to allow.
const CATCH_ALL = "[[...path]]/route.ts";

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [path.relative(API_DIR, full)] : [];
  });
}

const files = routeFiles(API_DIR).sort();

describe("every API route", () => {
  it("finds the route files", () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(files).toContain("health/route.ts");
  });

  for (const file of files) {
    it(`${file}: answers every other method with 405, Allow and the error shape`, async () => {
      const mod = (await import(path.join(API_DIR, file))) as Record<string, unknown>;
      const implemented = METHODS.filter((m) => typeof mod[m] === "function" && !isMethodRefusal(mod[m]));
      const refused = METHODS.filter((m) => isMethodRefusal(mod[m]));
      const missing = METHODS.filter((m) => typeof mod[m] !== "function");
      expect({ file, missing }).toEqual({ file, missing: [] });
      expect(implemented.length, `${file} implements at least one method`).toBeGreaterThan(0);
      if (file === CATCH_ALL) return;
      const allow = [...implemented, ...(implemented.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
      for (const method of refused) {
        const res = await (mod[method] as (req: Request) => Promise<Response>)(new Request(`http://localhost/api/${file}`, { method }));
        const body = await res.json();
        expect({ file, method, status: res.status, allow: res.headers.get("allow") }).toEqual({ file, method, status: 405, allow });
        if (file.startsWith("users/")) expect(body).toEqual({ detail: `Method "${method}" not allowed.` });
        else expect(body).toEqual({ error: { code: "method_not_allowed", message: expect.stringContaining(method) } });
      }
      expect(typeof mod.OPTIONS, `${file} answers OPTIONS with its Allow list`).toBe("function");
      const options = await (mod.OPTIONS as (req: Request) => Promise<Response>)(new Request("http://localhost/", { method: "OPTIONS" }));
      expect(options.headers.get("allow")).toBe(allow);
    });
  }
});
