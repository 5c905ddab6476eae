import type { Metadata } from "next";
import { cookies } from "next/headers";
import { AdminShell } from "@/components/admin/admin-shell";
import { Protection, type ProtectionJson } from "@/components/admin/protection";
import { getProtection } from "@/lib/admin/protection";
import { decodeFlash, PROTECTION_FLASH_COOKIE } from "@/lib/admin/protection-form";
import { requireAdminPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getOtpContext } from "@/lib/otp/context";

export const metadata: Metadata = { title: "Protection" };
export const dynamic = "force-dynamic";

// The role is checked here before anything is read (the layout's check is a second line). The page
// renders its data on the server, so it works without JavaScript; SWR refreshes it from
// /api/admin/protection (checked again there). The outcome of the last form post comes as a flash.
export default async function AdminProtectionPage() {
  const admin = await requireAdminPage("/admin/protection");
  const ctx = await getOtpContext();
  const data = await getProtection(await getDb(), admin, { now: ctx.now(), guard: ctx.config.guard });
  const flash = await decodeFlash((await cookies()).get(PROTECTION_FLASH_COOKIE)?.value);
  return (
    <AdminShell title="Protection" description="SMS-pumping defence: blocks and why they started, sends against verifies, the Safe List and the guard mode.">
      {/* The API's JSON shape (dates as strings), so the first render and SWR's refreshes agree. */}
      <Protection initial={JSON.parse(JSON.stringify(data)) as ProtectionJson} flash={flash} />
    </AdminShell>
  );
}
