-- otp_check_code and otp_record_sms: the verify statement and the SMS-outcome statement as plpgsql
-- functions. Same SQL as before, but PL/pgSQL prepares each statement once per connection and
-- reuses its plan, while Prisma sends every raw query unnamed (parsed and planned on every call).
-- Measured with pgbench (npm run bench:sql): PostgreSQL CPU per send→verify cycle 1.37 ms → ~0.7 ms.

-- Checks a code in one statement (see verifyOtp in lib/otp/service.ts). The conditional UPDATE is
-- the race gate: it locks the newest pending verification for phone+purpose and marks it verified
-- (right code, in time), expired, or counts a wrong attempt (locked at the limit). Concurrent calls
-- serialise on the row lock and re-check status = 'pending', so one code verifies once. The same
-- statement applies the per-IP verify limit (p_ip_limit 0 = off) and records the attempt.
-- Output columns are prefixed (r_) so they never shadow the table's columns inside the function.
CREATE OR REPLACE FUNCTION otp_check_code(
  p_phone text,
  p_purpose text,
  p_code_hash text,
  p_token_hash text,
  p_now timestamp(3),
  p_ip text,
  p_ip_limit integer
) RETURNS TABLE (r_id text, r_status text, r_attempts integer, r_max_attempts integer, r_ip_attempts integer, r_ip_oldest timestamp(3))
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY
  WITH ip_window AS (
    SELECT count(*)::int AS n, min(a."createdAt") AS oldest FROM "VerifyAttempt" a
     WHERE p_ip_limit > 0 AND a.ip = p_ip AND a."createdAt" > p_now - interval '1 hour'
  ),
  target AS (
    SELECT v.id FROM "Verification" v, ip_window
     WHERE v.phone = p_phone AND v.purpose = p_purpose AND v.status = 'pending'
       AND (p_ip_limit = 0 OR ip_window.n < p_ip_limit)
     ORDER BY v."createdAt" DESC
     LIMIT 1
     FOR UPDATE OF v
  ),
  updated AS (
    UPDATE "Verification" v SET
      status = (CASE
        WHEN v."expiresAt" <= p_now THEN 'expired'
        WHEN v."codeHash" = p_code_hash THEN 'verified'
        WHEN v.attempts + 1 >= v."maxAttempts" THEN 'locked'
        ELSE 'pending' END)::"VerificationStatus",
      attempts = CASE WHEN v."expiresAt" <= p_now OR v."codeHash" = p_code_hash THEN v.attempts ELSE v.attempts + 1 END,
      "verifiedAt" = CASE WHEN v."expiresAt" > p_now AND v."codeHash" = p_code_hash THEN p_now ELSE NULL END,
      "loginTokenHash" = CASE WHEN v."expiresAt" > p_now AND v."codeHash" = p_code_hash THEN p_token_hash ELSE NULL END,
      "updatedAt" = p_now
    FROM target
    WHERE v.id = target.id
    RETURNING v.id, v.status::text AS status, v.attempts, v."maxAttempts"
  ),
  recorded AS (
    INSERT INTO "VerifyAttempt" (id, "verificationId", phone, purpose, ip, result, "createdAt")
    SELECT gen_random_uuid()::text, u.id, p_phone, p_purpose, p_ip,
           CASE u.status WHEN 'pending' THEN 'invalid_code' ELSE u.status END, p_now
      FROM updated u
  )
  SELECT u.id, u.status, u.attempts, u."maxAttempts", w.n, w.oldest
    FROM ip_window w LEFT JOIN updated u ON true;
END
$$;

-- Stores every provider attempt of one send (p_attempts: a JSON array, text already masked by the
-- caller) and the verification's SMS result. A code that never reached the phone becomes failed.
CREATE OR REPLACE FUNCTION otp_record_sms(
  p_verification_id text,
  p_to text,
  p_masked_text text,
  p_attempts jsonb,
  p_provider text,
  p_ok boolean,
  p_now timestamp(3)
) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO "SmsMessage" (id, "verificationId", provider, attempt, "to", text, status, "providerMessageId",
                            "httpStatus", "errorCode", "errorMessage", "latencyMs", "createdAt", "updatedAt")
  SELECT gen_random_uuid()::text, p_verification_id, a.provider, a.attempt, p_to, p_masked_text,
         a.status::"SmsStatus", a."providerMessageId", a."httpStatus", a."errorCode", a."errorMessage",
         a."latencyMs", a."startedAt", a."startedAt"
    FROM jsonb_to_recordset(p_attempts) AS a(provider text, attempt int, status text,
         "providerMessageId" text, "httpStatus" int, "errorCode" text, "errorMessage" text,
         "latencyMs" int, "startedAt" timestamp(3));

  UPDATE "Verification" v SET
    "smsProvider" = p_provider,
    "smsStatus" = (CASE WHEN p_ok THEN 'sent' ELSE 'failed' END)::"SmsStatus",
    status = CASE WHEN p_ok OR v.status <> 'pending' THEN v.status ELSE 'failed' END,
    "updatedAt" = p_now
  WHERE v.id = p_verification_id;
END
$$;
