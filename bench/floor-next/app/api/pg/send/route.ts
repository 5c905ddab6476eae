import { floorSend } from "../../../../floor";

export const dynamic = "force-dynamic";

// POST /api/pg/send – the framework floor's send through pg.
export const POST = (req: Request) => floorSend(req, "pg");
