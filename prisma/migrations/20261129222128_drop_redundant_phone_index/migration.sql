-- DropIndex
DROP INDEX "Verification_phone_createdAt_idx";
