import type { Metadata } from "next";
import { Suspense } from "react";
import { AdminShell } from "@/components/admin/admin-shell";
import { Overview } from "@/components/admin/overview";
import { requireAdminPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Admin overview" };

// The data comes from /api/admin/stats (which checks the role itself); this page checks it too.
export default async function AdminOverviewPage() {
  await requireAdminPage("/admin");
  return (
    <AdminShell title="Overview" description="Codes sent, verified and failed, and the requests refused by rate limits.">
      <Suspense>
        <Overview />
      </Suspense>
    </AdminShell>
  );
}
