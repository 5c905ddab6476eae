-- One product cycle's SQL as lib/otp/service.ts sent it up to commit acb01a3, before the verify and
-- SMS-outcome statements moved into plpgsql functions: otp_begin_send, the SMS outcome, the verify.
-- (A space after every colon in JSON: pgbench reads ":name" as a variable.)
-- pgbench -n -f bench/sql/product-cycle.sql -M extended|prepared -c 8 -j 2 -T 15 otp_bench
\set n random(1, 999999999)
\set id random(1, 999999999999)
\set ip random(1, 999999999)
SELECT refused_rule, retry_at FROM otp_begin_send(
  'b' || :id, '+2557' || (:id)::text, 'TZ', 'Login',
  md5('code' || :n), 5::int,
  (now() + interval '5 minutes')::timestamp, now()::timestamp, '10.9.' || :ip, 'pgbench', false,
  30::int, 5::int, 10::int, 30::int);
WITH recorded AS (
  INSERT INTO "SmsMessage" (id, "verificationId", provider, attempt, "to", text, status, "providerMessageId",
                            "httpStatus", "errorCode", "errorMessage", "latencyMs", "createdAt", "updatedAt")
  SELECT gen_random_uuid()::text, 'b' || :id, a.provider, a.attempt, '+2557' || (:id)::text, 'Your PhoneOTP code is ******.',
         a.status::"SmsStatus", a."providerMessageId", a."httpStatus", a."errorCode", a."errorMessage",
         a."latencyMs", a."startedAt", a."startedAt"
    FROM jsonb_to_recordset('[{"provider": "mshastra", "attempt": 1, "status": "sent", "providerMessageId": "1", "httpStatus": 200, "errorCode": null, "errorMessage": null, "latencyMs": 3, "startedAt": "2026-11-24T22:00:00.000Z"}]'::jsonb) AS a(provider text, attempt int, status text,
         "providerMessageId" text, "httpStatus" int, "errorCode" text, "errorMessage" text,
         "latencyMs" int, "startedAt" timestamp(3))
)
UPDATE "Verification" SET
  "smsProvider" = 'mshastra',
  "smsStatus" = 'sent'::"SmsStatus",
  status = CASE WHEN true OR status <> 'pending' THEN status ELSE 'failed' END,
  "updatedAt" = now()::timestamp
WHERE id = 'b' || :id;
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
