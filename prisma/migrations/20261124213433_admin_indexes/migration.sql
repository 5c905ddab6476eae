-- CreateIndex
CREATE INDEX "Verification_smsProvider_smsStatus_createdAt_idx" ON "Verification"("smsProvider", "smsStatus", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Verification_phone_createdAt_id_idx" ON "Verification"("phone", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Verification_createdAt_status_smsStatus_idx" ON "Verification"("createdAt", "status", "smsStatus");

-- CreateIndex
CREATE INDEX "VerifyAttempt_result_createdAt_idx" ON "VerifyAttempt"("result", "createdAt" DESC);
