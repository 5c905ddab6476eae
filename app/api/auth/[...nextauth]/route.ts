// next-auth's endpoints (csrf, session, callback/phone-otp, signout): configuration in lib/auth/options.ts.
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

const handler = NextAuth(authOptions);

export { handler as GET, handler as POST };
