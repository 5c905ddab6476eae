import { getDb } from "@/lib/db";
import { json } from "@/lib/api/handler";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

// GET /api/health – liveness plus a real database round trip, for load balancers and probes.
export async function GET() {
  try {
    const db = await getDb();
    await db.$queryRaw`SELECT 1`;
    return json({ status: "ok", db: "ok" });
  } catch (error) {
    log.error("health check failed", { error: String((error as Error)?.message ?? error).split("\n")[0].slice(0, 200) });
    return json({ status: "error", db: "error" }, { status: 503 });
  }
}
