import type { Metadata } from "next";
import { AdminShell } from "@/components/admin/admin-shell";
import { UsersTable } from "@/components/admin/users-table";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  const me = await getSessionUser(); // the layout has already checked the ADMIN role
  return (
    <AdminShell title="Users" description="Promote or demote administrators. Every change is written to the audit log with who made it.">
      <UsersTable currentUserId={me?.id ?? ""} />
    </AdminShell>
  );
}
