-- Refusals aggregated in the audit log: one row per type, rule, key and minute (aggregateKey, unique)
-- with a count, instead of one row per refused request (5,000 refusals wrote 5,000 rows). Other
-- events keep one row each (count 1, aggregateKey NULL: NULLs never conflict in a unique index).

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "aggregateKey" TEXT,
ADD COLUMN     "count" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "lastAt" TIMESTAMP(3);

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_aggregateKey_key" ON "AuditEvent"("aggregateKey");
