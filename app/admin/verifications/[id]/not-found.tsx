import Link from "next/link";
import { AdminShell, Panel } from "@/components/admin/admin-shell";

// An unknown or purged verification id: said inside the dashboard, with the way back to the list.
export default function VerificationNotFound() {
  return (
    <AdminShell title="Verification not found" back={{ href: "/admin/verifications", label: "All verifications" }}>
      <Panel className="px-5 py-10 text-center">
        <p className="text-slate-700 dark:text-slate-300">
          No verification has this id. It may have been deleted by the retention job, or the link is incomplete.
        </p>
        <Link
          href="/admin/verifications"
          className="mt-5 inline-flex h-10 items-center rounded-lg border border-slate-300 bg-white px-4 text-sm font-medium shadow-sm hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
        >
          Search the verifications
        </Link>
      </Panel>
    </AdminShell>
  );
}
