import { buildOpenApiDocument } from "@/lib/api/openapi";
import { json } from "@/lib/api/handler";
import { otherMethods } from "@/lib/api/methods";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

// GET /api/openapi.json – the machine-readable API description, for this server's URL and OTP_LENGTH.
const documents = new Map<string, ReturnType<typeof buildOpenApiDocument>>();

export function GET(req: Request) {
  const config = env();
  const serverUrl = config.NEXTAUTH_URL ? new URL(config.NEXTAUTH_URL).origin : new URL(req.url).origin;
  let document = documents.get(serverUrl);
  if (!document) {
    document = buildOpenApiDocument({ serverUrl, codeLength: config.OTP_LENGTH });
    if (documents.size < 8) documents.set(serverUrl, document);
  }
  return json(document, { headers: { "Cache-Control": "public, max-age=300" } });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
