"use client";

import { useEffect, useRef } from "react";

type OtpCredential = Credential & { code: string };

/**
 * WebOTP: on Android Chrome, offers the code from an incoming SMS ending in "@<domain> #<code>"
 * (WEBOTP_DOMAIN). A no-op where unsupported. The request is aborted on unmount or a new `key`.
 */
export function useWebOtp(key: string | null, onCode: (code: string) => void) {
  const onCodeRef = useRef(onCode);
  useEffect(() => {
    onCodeRef.current = onCode;
  });
  useEffect(() => {
    if (!key || typeof window === "undefined" || !("OTPCredential" in window)) return;
    const controller = new AbortController();
    navigator.credentials
      .get({ otp: { transport: ["sms"] }, signal: controller.signal } as CredentialRequestOptions)
      .then((credential) => {
        const code = (credential as OtpCredential | null)?.code;
        if (code && !controller.signal.aborted) onCodeRef.current(code);
      })
      .catch(() => {
        // aborted, refused or timed out: the person types the code instead
      });
    return () => controller.abort();
  }, [key]);
}
