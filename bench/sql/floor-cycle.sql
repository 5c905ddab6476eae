-- One floor cycle's SQL (bench/floor-common.ts): one INSERT, one conditional UPDATE.
-- pgbench -n -f bench/sql/floor-cycle.sql -M extended|prepared -c 8 -j 2 -T 15 otp_bench
\set n random(1, 999999999)
\set id random(1, 999999999999)
INSERT INTO "Verification" (id, phone, purpose, "codeHash", "maxAttempts", "expiresAt", "createdAt", "updatedAt")
  VALUES ('f' || :id, '+2557' || (:id)::text, 'Login', md5('code' || :n), 5, (now() + interval '5 minutes')::timestamp, now()::timestamp, now()::timestamp);
UPDATE "Verification" SET status = 'verified', "verifiedAt" = now()::timestamp, "updatedAt" = now()::timestamp
  WHERE phone = '+2557' || (:id)::text AND purpose = 'Login' AND status = 'pending' AND "codeHash" = md5('code' || :n) AND "expiresAt" > now()::timestamp
  RETURNING id;
