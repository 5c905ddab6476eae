-- CreateEnum
CREATE TYPE "VerificationStatus" AS ENUM ('pending', 'verified', 'expired', 'locked', 'superseded', 'failed');

-- CreateEnum
CREATE TYPE "SmsStatus" AS ENUM ('sent', 'failed', 'delivered', 'undelivered');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "Verification" (
    "id" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "country" TEXT,
    "purpose" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "status" "VerificationStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verifiedAt" TIMESTAMP(3),
    "ip" TEXT,
    "userAgent" TEXT,
    "isTestNumber" BOOLEAN NOT NULL DEFAULT false,
    "smsProvider" TEXT,
    "smsStatus" "SmsStatus",
    "loginTokenHash" TEXT,
    "loginTokenUsedAt" TIMESTAMP(3),
    "userId" TEXT,

    CONSTRAINT "Verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SmsMessage" (
    "id" TEXT NOT NULL,
    "verificationId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "to" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "status" "SmsStatus" NOT NULL,
    "providerMessageId" TEXT,
    "httpStatus" INTEGER,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "latencyMs" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "SmsMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VerifyAttempt" (
    "id" TEXT NOT NULL,
    "verificationId" TEXT,
    "phone" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "ip" TEXT,
    "result" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VerifyAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastLoginAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "userId" TEXT,
    "actorId" TEXT,
    "phone" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "data" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Verification_phone_purpose_createdAt_idx" ON "Verification"("phone", "purpose", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Verification_phone_createdAt_idx" ON "Verification"("phone", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Verification_ip_createdAt_idx" ON "Verification"("ip", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Verification_createdAt_id_idx" ON "Verification"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Verification_status_createdAt_idx" ON "Verification"("status", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Verification_purpose_createdAt_idx" ON "Verification"("purpose", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Verification_smsProvider_createdAt_idx" ON "Verification"("smsProvider", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Verification_smsStatus_createdAt_idx" ON "Verification"("smsStatus", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Verification_userId_idx" ON "Verification"("userId");

-- CreateIndex
CREATE INDEX "SmsMessage_verificationId_idx" ON "SmsMessage"("verificationId");

-- CreateIndex
CREATE INDEX "SmsMessage_provider_providerMessageId_idx" ON "SmsMessage"("provider", "providerMessageId");

-- CreateIndex
CREATE INDEX "SmsMessage_status_createdAt_idx" ON "SmsMessage"("status", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "SmsMessage_createdAt_idx" ON "SmsMessage"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "VerifyAttempt_verificationId_idx" ON "VerifyAttempt"("verificationId");

-- CreateIndex
CREATE INDEX "VerifyAttempt_ip_createdAt_idx" ON "VerifyAttempt"("ip", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "VerifyAttempt_createdAt_idx" ON "VerifyAttempt"("createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "User_phone_key" ON "User"("phone");

-- CreateIndex
CREATE INDEX "User_createdAt_idx" ON "User"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "AuditEvent_type_createdAt_idx" ON "AuditEvent"("type", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "AuditEvent_userId_createdAt_idx" ON "AuditEvent"("userId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "Verification" ADD CONSTRAINT "Verification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SmsMessage" ADD CONSTRAINT "SmsMessage_verificationId_fkey" FOREIGN KEY ("verificationId") REFERENCES "Verification"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VerifyAttempt" ADD CONSTRAINT "VerifyAttempt_verificationId_fkey" FOREIGN KEY ("verificationId") REFERENCES "Verification"("id") ON DELETE CASCADE ON UPDATE CASCADE;
