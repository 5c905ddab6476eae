import { otherMethods, seedRefusal } from "@/lib/api/methods";
import { seedSendOtp } from "@/lib/api/seed-compat";

export const dynamic = "force-dynamic";

// POST /api/users/send-otp/ – the seed's contract, kept so existing clients switch unchanged.
export const POST = seedSendOtp;

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"], seedRefusal);
