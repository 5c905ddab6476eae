/**
 * The pages' Content Security Policy. Scripts run only with this response's nonce (Next.js stamps
 * it on its own scripts when it finds the nonce in the request's policy header) or, through
 * 'strict-dynamic', when such a script loads them: an injected <script> or inline handler does not
 * run. Styles keep 'unsafe-inline' because React style props and recharts write style attributes,
 * which a nonce cannot cover. 'unsafe-eval' only under `next dev` (React's error overlays).
 * API responses never get a page to run, so they carry a fixed deny-all policy (next.config.js).
 */
export const NONCE_BYTES = 16;

/** A fresh random nonce: 128 bits, base64, once per page response. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(NONCE_BYTES))).toString("base64");
}

export function pageContentSecurityPolicy(nonce: string, opts: { isDevelopment: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.isDevelopment ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
