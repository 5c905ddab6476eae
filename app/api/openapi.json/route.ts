import { buildOpenApiDocument } from "@/lib/api/openapi";
import { json } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";

// GET /api/openapi.json – the machine-readable API description (built once per process).
let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export function GET() {
  document ??= buildOpenApiDocument();
  return json(document, { headers: { "Cache-Control": "public, max-age=300" } });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
