import { otherMethods, seedRefusal } from "@/lib/api/methods";
import { seedVerifyOtp } from "@/lib/api/seed-compat";

export const dynamic = "force-dynamic";

// POST /api/users/verify-otp/ – the seed's contract, kept so existing clients switch unchanged.
export const POST = seedVerifyOtp;

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"], seedRefusal);
