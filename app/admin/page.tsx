import type { Metadata } from "next";
import { Suspense } from "react";
import { AdminShell } from "@/components/admin/admin-shell";
import { Overview } from "@/components/admin/overview";

export const metadata: Metadata = { title: "Admin overview" };

// The role check lives in app/admin/layout.tsx; the data comes from /api/admin/stats (checked again there).
export default function AdminOverviewPage() {
  return (
    <AdminShell title="Overview" description="Codes sent, verified and failed, and the requests refused by rate limits.">
      <Suspense>
        <Overview />
      </Suspense>
    </AdminShell>
  );
}
