import { getDb } from "@/lib/db";
import { json } from "@/lib/api/handler";
import { describeDatabaseError } from "@/lib/db/errors";
import { log } from "@/lib/log";
import { otherMethods } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

// GET /api/health – liveness plus a real database round trip, for load balancers and probes.
export async function GET() {
  try {
    const db = await getDb();
    // A real query on the app's own table: an unmigrated database is not healthy either.
    await db.$queryRaw`SELECT 1 FROM "Verification" LIMIT 1`;
    return json({ status: "ok", db: "ok" });
  } catch (error) {
    log.error("health check failed", { error: describeDatabaseError(error) });
    return json({ status: "error", db: "error" }, { status: 503 });
  }
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
