import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "PhoneOTP", template: "%s · PhoneOTP" },
  description: "Phone one-time-password login and verification for Next.js",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#2f6fed" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request: its scripts carry that response's CSP nonce (proxy.ts),
  // which a page prerendered at build time could not.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">{children}</body>
    </html>
  );
}
