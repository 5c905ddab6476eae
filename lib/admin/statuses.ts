/**
 * The filter values the dashboard offers, without zod: a client component imports them, and zod in
 * the browser would add ~100 KB and probe for eval (a CSP violation under the pages' policy).
 */
export const VERIFICATION_STATUSES = ["pending", "verified", "expired", "locked", "superseded", "failed"] as const;
export const SMS_STATUSES = ["sent", "failed", "delivered", "undelivered"] as const;
