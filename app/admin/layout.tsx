import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { getAdminPageAccess } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Admin", robots: { index: false } };

// Checked on the server for every admin page, whatever proxy.ts did.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const access = await getAdminPageAccess("/admin");
  if (!access.allowed) forbidden(); // renders app/forbidden.tsx with status 403
  return children;
}
