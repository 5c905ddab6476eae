import type { Metadata } from "next";
import { Suspense } from "react";
import { AdminShell } from "@/components/admin/admin-shell";
import { VerificationsTable } from "@/components/admin/verifications-table";
import { requireAdminPage } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Verifications" };

export default async function AdminVerificationsPage() {
  await requireAdminPage("/admin/verifications");
  return (
    <AdminShell title="Verifications" description="Every code requested: who, when, from where, whether the SMS went out and whether it was verified.">
      <Suspense>
        <VerificationsTable purposes={env().OTP_PURPOSES} />
      </Suspense>
    </AdminShell>
  );
}
