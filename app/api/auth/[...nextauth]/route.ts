// next-auth's endpoints (csrf, session, providers, signin, callback/phone-otp, signout): configuration in
// lib/auth/options.ts, body limit and callbackUrl guards in lib/auth/next-auth-route.ts.
import { otherMethods } from "@/lib/api/methods";
import { authRoute } from "@/lib/auth/next-auth-route";

export const dynamic = "force-dynamic";

export { authRoute as GET, authRoute as POST };
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
