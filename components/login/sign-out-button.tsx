"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
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
        router.replace("/login?signedOut=1");
        router.refresh(); // drop the router's cached pages of the signed-in session
      }}
    >
      Sign out
    </Button>
  );
}
