import { floorSend } from "../../../../floor";

export const dynamic = "force-dynamic";

// POST /api/prisma/send – the framework floor's send through prisma.
export const POST = (req: Request) => floorSend(req, "prisma");
