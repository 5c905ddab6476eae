import type { Metadata } from "next";
import { AdminShell } from "@/components/admin/admin-shell";
import { Protection } from "@/components/admin/protection";
import { requireAdminPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Protection" };

// The role is checked here before anything renders (the layout's check is a second line); the data comes from /api/admin/protection (checked again there).
export default async function AdminProtectionPage() {
  await requireAdminPage("/admin/protection");
  return (
    <AdminShell title="Protection" description="SMS-pumping defence: blocks and why they started, sends against verifies, the Safe List and the guard mode.">
      <Protection />
    </AdminShell>
  );
}
