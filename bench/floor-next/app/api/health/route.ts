import { floorHealth } from "../../../floor";

export const dynamic = "force-dynamic";

// GET /api/health – readiness for the bench.
export const GET = () => floorHealth();
