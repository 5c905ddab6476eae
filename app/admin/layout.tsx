import type { Metadata } from "next";
import { AdminHeader } from "@/components/admin/admin-shell";
import { requireAdminPage } from "@/lib/auth/session";

// Reads the session and runtime configuration: rendered per request, never prerendered at build.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Admin", robots: { index: false } };

// A second line only: Next renders layout and page in parallel, so every page checks the role
// itself (requireAdminPage) before it reads anything, and every lib/admin function checks again.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const admin = await requireAdminPage("/admin");
  return (
    // The dashboard stays English and left to right whatever language the visitor chose.
    <div lang="en" dir="ltr" className="min-h-dvh">
      <AdminHeader phone={admin.phone} />
      {children}
    </div>
  );
}
