import { seedSendOtp } from "@/lib/api/seed-compat";

export const dynamic = "force-dynamic";

// POST /api/users/send-otp/ – the seed's contract, kept so existing clients switch unchanged.
export const POST = seedSendOtp;
