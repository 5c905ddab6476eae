-- One product cycle's SQL as lib/otp/service.ts sends it (keep in step): otp_begin_send, the SMS
-- outcome (otp_record_sms), the verify (otp_check_code) — three small calls into plpgsql functions.
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
SELECT otp_record_sms('b' || :id, '+2557' || (:id)::text, 'Your PhoneOTP code is ******.',
  '[{"provider": "mshastra", "attempt": 1, "status": "sent", "providerMessageId": "1", "httpStatus": 200, "errorCode": null, "errorMessage": null, "latencyMs": 3, "startedAt": "2026-11-24T22:00:00.000Z"}]'::jsonb,
  'mshastra', true, now()::timestamp);
SELECT r_id AS id, r_status AS status, r_attempts AS attempts, r_max_attempts AS "maxAttempts",
       r_ip_attempts AS ip_attempts, r_ip_oldest AS ip_oldest
  FROM otp_check_code('+2557' || (:id)::text, 'Login', md5('code' || :n), md5('token' || :n),
                      now()::timestamp, '10.9.' || :ip, 60::int);
