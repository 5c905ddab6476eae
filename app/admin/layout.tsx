import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { AdminHeader } from "@/components/admin/admin-shell";
import { getAdminPageAccess } from "@/lib/auth/session";

// Reads the session and runtime configuration: rendered per request, never prerendered at build.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Admin", robots: { index: false } };

// Checked on the server for every admin page, whatever proxy.ts did.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const access = await getAdminPageAccess("/admin");
  if (!access.allowed) forbidden(); // renders app/forbidden.tsx with status 403
  return (
    <div className="min-h-dvh">
      <AdminHeader phone={access.user.phone} />
      {children}
    </div>
  );
}
