import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/forbidden";
import { getAdminPageAccess } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Admin", robots: { index: false } };

// Checked on the server for every admin page, whatever proxy.ts did.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const access = await getAdminPageAccess("/admin");
  if (!access.allowed) return <Forbidden phone={access.user.phone} />;
  return children;
}
