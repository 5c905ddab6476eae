"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Signs out and leaves for `redirectTo`. `compact`: a small text button (page headers). */
export function SignOutButton({ redirectTo = "/login?signedOut=1", label = "Sign out", compact = false }: { redirectTo?: string; label?: string; compact?: boolean }) {
  const router = useRouter();
  const [isSigningOut, setSigningOut] = useState(false);
  return (
    <Button
      variant={compact ? "ghost" : "secondary"}
      size={compact ? "sm" : "md"}
      isLoading={isSigningOut}
      loadingText="Signing out…"
      onClick={async () => {
        setSigningOut(true);
        await signOut({ redirect: false }).catch(() => undefined);
        router.replace(redirectTo);
        router.refresh(); // drop the router's cached pages of the signed-in session
      }}
    >
      {label}
    </Button>
  );
}
