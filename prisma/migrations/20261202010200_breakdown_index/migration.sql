-- The admin breakdown by channel, provider and country for a period (lib/admin/breakdown.ts):
-- every column it reads is in this index, so a day of a 1 M-row table is an index-only range scan.
CREATE INDEX "Verification_breakdown_idx" ON "Verification"("createdAt", "channel", "smsProvider", "country", "status", "smsStatus", "isTestNumber");
