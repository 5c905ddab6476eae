/**
 * Writes the OpenAPI document (as /api/openapi.json serves it, with the default OTP_LENGTH) to a
 * file, for `redocly lint`: npm run lint:openapi. Usage: tsx scripts/openapi-write.ts <file>
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildOpenApiDocument } from "../lib/api/openapi";

const file = process.argv[2];
if (!file) throw new Error("usage: tsx scripts/openapi-write.ts <file>");
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(buildOpenApiDocument({ serverUrl: "http://127.0.0.1:3000", codeLength: 6 }), null, 2)}\n`);
