import { AppError } from "@/lib/api/errors";
import { apiLocale, json } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

// Any other path under /api: the API's JSON error shape instead of Next's HTML 404 page.
async function notFound(req: Request): Promise<Response> {
  const error = new AppError("not_found", { key: "noApi", values: { path: new URL(req.url).pathname.slice(0, 200) } });
  return json(error.toBody(apiLocale(req)), { status: error.status });
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
