import type { NextRequest } from "next/server";
import { otherMethods } from "@/lib/api/methods";
import { loginDocumentProps } from "@/lib/login/page";
import { loginPageHtml } from "@/lib/login/page-html";

export const dynamic = "force-dynamic";

// GET /login – the login page, outside the App Router's page runtime (its framework scripts alone
// exceed the page's 120 KB budget): the same React components, server-rendered by the page's own
// bundle and hydrated by its own ≈ 79 KB script (docs/login.md). The scripts carry proxy.ts's nonce.
export async function GET(req: NextRequest) {
  const nonce = /'nonce-([^']+)'/.exec(req.headers.get("content-security-policy") ?? "")?.[1];
  const html = await loginPageHtml(await loginDocumentProps(req.nextUrl.searchParams), nonce);
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "private, no-cache, no-store, max-age=0, must-revalidate" } });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
