// @ts-check
import createNextIntlPlugin from "next-intl/plugin";

// Pages get their Content-Security-Policy, with a per-request script nonce, from proxy.ts
// (lib/security/csp.ts). Everything else — the API, the icon — is never a page that should run or
// load anything, so it gets a fixed deny-all policy.
const nonPageContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), otp-credentials=(self)" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The seed's clients call /api/users/send-otp/ with the slash; answer it as is, no redirect.
  skipTrailingSlashRedirect: true,
  serverExternalPackages: ["@electric-sql/pglite", "fs-native-extensions", "pg-boss"],
  // forbidden() from next/navigation: admin pages answer a real HTTP 403 to non-admins.
  experimental: { authInterrupts: true },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      ...["/api", "/api/:path*", "/icon.svg"].map((source) => ({ source, headers: [{ key: "Content-Security-Policy", value: nonPageContentSecurityPolicy }] })),
      {
        // Browsers ignore HSTS over plain HTTP; sent only when the request came over HTTPS
        // (any case; with a chain of proxies the first entry is the client's: "https,http").
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "[Hh][Tt][Tt][Pp][Ss](\\s*,.*)?" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }],
      },
    ];
  },
};

// next-intl without locale routing: i18n/request.ts picks the locale per request.
export default createNextIntlPlugin("./i18n/request.ts")(nextConfig);
