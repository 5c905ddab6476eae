import { otherMethods, seedRefusal } from "@/lib/api/methods";
import { seedRoute, seedRoutes } from "@/lib/api/request-guard";
import { seedVerifyOtp } from "@/lib/api/seed-compat";

export const dynamic = "force-dynamic";

// POST /api/users/verify-otp/ – the seed's contract, kept so existing clients switch unchanged.
export const POST = seedRoute(seedVerifyOtp);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = seedRoutes(otherMethods(["POST"], seedRefusal));
