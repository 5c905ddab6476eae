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

/**
 * The origins a Turnstile or hCaptcha widget needs on our pages: the origin of its script URL
 * (OTP_CHALLENGE_SCRIPT_URL, default the provider's), and for hCaptcha's own script host the whole of
 * hcaptcha.com, as hCaptcha documents (its frames, styles and API live on sub-domains). None for
 * ALTCHA (self-hosted) or while challenges are off: the policy stays 'self'.
 */
export function challengeOrigins(widget: { mode: string; provider: string; scriptUrl: string }): string[] {
  if (widget.provider === "altcha" || widget.mode === "off" || !widget.scriptUrl) return [];
  const origin = new URL(widget.scriptUrl).origin;
  if (widget.provider === "hcaptcha" && /^https:\/\/([a-z0-9-]+\.)*hcaptcha\.com$/.test(origin)) return ["https://hcaptcha.com", "https://*.hcaptcha.com"];
  return [origin];
}

/**
 * With `challengeOrigins` (a Turnstile / hCaptcha widget) those origins may be framed, fetched and
 * load styles. The widget's script is loaded by our nonce'd code, which 'strict-dynamic' trusts; its
 * origin in script-src serves only browsers too old for 'strict-dynamic' (newer ones ignore it).
 */
export function pageContentSecurityPolicy(nonce: string, opts: { isDevelopment: boolean; challengeOrigins?: string[] }): string {
  const widget = opts.challengeOrigins?.length ? ` ${opts.challengeOrigins.join(" ")}` : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.isDevelopment ? " 'unsafe-eval'" : ""}${widget}`,
    `style-src 'self' 'unsafe-inline'${widget}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${widget}`,
    ...(widget ? [`frame-src 'self'${widget}`] : []),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
