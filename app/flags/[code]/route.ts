import * as flags from "country-flag-icons/string/3x2";

// GET /flags/TZ – one country's flag (SVG, cached for a year): the login page loads only the flag
// of the selected country instead of shipping all of them in its JavaScript.
export async function GET(_req: Request, { params }: { params: Promise<{ code: string }> }) {
  const code = (await params).code.replace(/\.svg$/i, "").toUpperCase();
  const svg = /^[A-Z]{2}$/.test(code) ? (flags as Record<string, string>)[code] : undefined;
  if (!svg) return new Response("Unknown country", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(svg, { headers: { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff" } });
}
