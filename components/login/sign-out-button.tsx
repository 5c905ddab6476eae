"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

export function SignOutButton({ redirectTo = "/login?signedOut=1", label = "Sign out" }: { redirectTo?: string; label?: string }) {
  const router = useRouter();
  const [isSigningOut, setSigningOut] = useState(false);
  return (
    <Button
      variant="secondary"
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
