import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AdminShell } from "@/components/admin/admin-shell";
import type { VerificationDetailJson } from "@/components/admin/types";
import { VerificationDetailView } from "@/components/admin/verification-detail";
import { AppError } from "@/lib/api/errors";
import { getVerificationDetail } from "@/lib/admin/verifications";
import { requireAdminPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Verification" };

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export default async function AdminVerificationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Before any query: the layout's check runs in parallel and cannot hold this page's data back.
  const admin = await requireAdminPage(`/admin/verifications/${encodeURIComponent(safeDecode(id))}`);
  const detail = await getVerificationDetail(admin, await getDb(), safeDecode(id)).catch((error: unknown) => {
    // Renders ./not-found.tsx inside the admin layout, with HTTP 404.
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  // The same JSON the API sends (dates as ISO strings); the query already left the hashes out.
  const json = JSON.parse(JSON.stringify(detail)) as VerificationDetailJson;
  return (
    <AdminShell
      title="Verification"
      back={{ href: "/admin/verifications", label: "All verifications" }}
      description={<span className="font-mono text-xs break-all">{json.verification.id}</span>}
    >
      <VerificationDetailView detail={json} />
    </AdminShell>
  );
}
