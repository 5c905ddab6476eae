import { floorVerify } from "../../../../floor";

export const dynamic = "force-dynamic";

// POST /api/pg/verify – the framework floor's verify through pg.
export const POST = (req: Request) => floorVerify(req, "pg");
