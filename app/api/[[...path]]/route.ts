import { AppError } from "@/lib/api/errors";
import { json } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

// Any other path under /api: the API's JSON error shape instead of Next's HTML 404 page.
async function notFound(req: Request): Promise<Response> {
  const error = new AppError("not_found", `There is no API at ${new URL(req.url).pathname.slice(0, 200)}. See /api/openapi.json.`);
  return json(error.toBody(), { status: error.status });
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
