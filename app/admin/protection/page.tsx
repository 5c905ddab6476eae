import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { AdminShell } from "@/components/admin/admin-shell";
import { Protection } from "@/components/admin/protection";
import { getAdminPageAccess } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Protection" };

// Checked here as well as in the layout; the data comes from /api/admin/protection (checked again there).
export default async function AdminProtectionPage() {
  const access = await getAdminPageAccess("/admin/protection");
  if (!access.allowed) forbidden();
  return (
    <AdminShell title="Protection" description="SMS-pumping defence: blocks and why they started, sends against verifies, the Safe List and the guard mode.">
      <Protection />
    </AdminShell>
  );
}
