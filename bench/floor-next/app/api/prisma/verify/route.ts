import { floorVerify } from "../../../../floor";

export const dynamic = "force-dynamic";

// POST /api/prisma/verify – the framework floor's verify through prisma.
export const POST = (req: Request) => floorVerify(req, "prisma");
