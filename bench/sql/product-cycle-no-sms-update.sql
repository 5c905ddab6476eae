-- Proposal 2: the product cycle without the post-SMS Verification UPDATE (SMS outcome only in
-- SmsMessage on success). Same otp_begin_send and verify statement as product-cycle.sql.
-- pgbench -n -f bench/sql/product-cycle-no-sms-update.sql -M extended -c 8 -j 2 -T 15 otp_bench
\set n random(1, 999999999)
\set id random(1, 999999999999)
\set ip random(1, 999999999)
SELECT refused_rule, retry_at FROM otp_begin_send(
  'b' || :id, '+2557' || (:id)::text, 'TZ', 'Login',
  md5('code' || :n), 5::int,
  (now() + interval '5 minutes')::timestamp, now()::timestamp, '10.9.' || :ip, 'pgbench', false,
  30::int, 5::int, 10::int, 30::int);
INSERT INTO "SmsMessage" (id, "verificationId", provider, attempt, "to", text, status, "providerMessageId", "httpStatus", "latencyMs", "createdAt", "updatedAt")
  VALUES (gen_random_uuid()::text, 'b' || :id, 'mshastra', 1, '+2557' || (:id)::text, 'Your PhoneOTP code is ******.', 'sent', '1', 200, 3, now()::timestamp, now()::timestamp);
WITH ip_window AS (
  SELECT count(*)::int AS n, min("createdAt") AS oldest FROM "VerifyAttempt"
  WHERE 60::int > 0 AND ip = '10.9.' || :ip AND "createdAt" > (now() - interval '1 hour')::timestamp
),
target AS (
  SELECT v.id FROM "Verification" v, ip_window
  WHERE v.phone = '+2557' || (:id)::text AND v.purpose = 'Login' AND v.status = 'pending'
    AND (60::int = 0 OR ip_window.n < 60::int)
  ORDER BY v."createdAt" DESC
  LIMIT 1
  FOR UPDATE OF v
),
updated AS (
  UPDATE "Verification" v SET
    status = (CASE
      WHEN v."expiresAt" <= now()::timestamp THEN 'expired'
      WHEN v."codeHash" = md5('code' || :n) THEN 'verified'
      WHEN v.attempts + 1 >= v."maxAttempts" THEN 'locked'
      ELSE 'pending' END)::"VerificationStatus",
    attempts = CASE WHEN v."expiresAt" <= now()::timestamp OR v."codeHash" = md5('code' || :n) THEN v.attempts ELSE v.attempts + 1 END,
    "verifiedAt" = CASE WHEN v."expiresAt" > now()::timestamp AND v."codeHash" = md5('code' || :n) THEN now()::timestamp ELSE NULL END,
    "loginTokenHash" = CASE WHEN v."expiresAt" > now()::timestamp AND v."codeHash" = md5('code' || :n) THEN md5('token' || :n) ELSE NULL END,
    "updatedAt" = now()::timestamp
  FROM target
  WHERE v.id = target.id
  RETURNING v.id, v.status::text AS status, v.attempts, v."maxAttempts"
),
recorded AS (
  INSERT INTO "VerifyAttempt" (id, "verificationId", phone, purpose, ip, result, "createdAt")
  SELECT gen_random_uuid()::text, u.id, '+2557' || (:id)::text, 'Login', '10.9.' || :ip,
         CASE u.status WHEN 'pending' THEN 'invalid_code' ELSE u.status END, now()::timestamp
  FROM updated u
)
SELECT u.id, u.status, u.attempts, u."maxAttempts", w.n AS ip_attempts, w.oldest AS ip_oldest
FROM ip_window w LEFT JOIN updated u ON true;
