import type { Metadata } from "next";
import { AdminShell } from "@/components/admin/admin-shell";
import { UsersTable } from "@/components/admin/users-table";
import { requireAdminPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  const me = await requireAdminPage("/admin/users");
  return (
    <AdminShell title="Users" description="Promote or demote administrators. Every change is written to the audit log with who made it.">
      <UsersTable currentUserId={me.id} />
    </AdminShell>
  );
}
