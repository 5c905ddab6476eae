-- Issue 19: a verify in one round trip. otp_check_code now also counts a verified code for the
-- fraud guard (otp_guard_note_verified, until now a second statement per verify) and, for a verify
-- that signs in at once ("session": true, the login form), spends the login token in the same
-- UPDATE (until now a third statement: consumeLoginToken). The new parameters have defaults, so a
-- call with the first seven arguments behaves exactly as before.
DROP FUNCTION IF EXISTS otp_check_code(text, text, text, text, timestamp(3), text, integer);
CREATE OR REPLACE FUNCTION otp_check_code(
  p_phone text,
  p_purpose text,
  p_code_hash text,
  p_token_hash text,
  p_now timestamp(3),
  p_ip text,
  p_ip_limit integer,
  -- The guard's range and country of the phone and its bucket size; 0 seconds: do not count.
  p_range text DEFAULT NULL,
  p_country text DEFAULT NULL,
  p_bucket_seconds integer DEFAULT 0,
  -- True: the caller opens the session itself, so the token is used the moment it is made.
  p_spend_login_token boolean DEFAULT false
) RETURNS TABLE (r_id text, r_status text, r_attempts integer, r_max_attempts integer, r_ip_attempts integer, r_ip_oldest timestamp(3))
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  ip_n integer := 0;
  ip_first timestamp(3);
  found_id text;
  found_status text;
  found_attempts integer;
  found_max integer;
  latest text;
BEGIN
  IF p_ip_limit > 0 AND p_ip IS NOT NULL THEN
    -- As in otp_begin_send: a full window refuses at once; under the limit, lock and count again.
    SELECT count(*)::int, min(a."createdAt") INTO ip_n, ip_first
      FROM "VerifyAttempt" a
     WHERE a.ip = p_ip AND a."createdAt" > p_now - interval '1 hour';
    IF ip_n < p_ip_limit THEN
      PERFORM pg_advisory_xact_lock(1330925642, hashtext(p_ip));
      SELECT count(*)::int, min(a."createdAt") INTO ip_n, ip_first
        FROM "VerifyAttempt" a
       WHERE a.ip = p_ip AND a."createdAt" > p_now - interval '1 hour';
    END IF;
    IF ip_n >= p_ip_limit THEN
      RETURN QUERY SELECT NULL::text, NULL::text, NULL::int, NULL::int, ip_n, ip_first;
      RETURN;
    END IF;
  END IF;

  WITH target AS (
    SELECT v.id FROM "Verification" v
     WHERE v.phone = p_phone AND v.purpose = p_purpose AND v.status = 'pending'
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
      "loginTokenUsedAt" = CASE WHEN p_spend_login_token AND v."expiresAt" > p_now AND v."codeHash" = p_code_hash THEN p_now
                                ELSE v."loginTokenUsedAt" END,
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
  SELECT u.id, u.status, u.attempts, u."maxAttempts" INTO found_id, found_status, found_attempts, found_max
    FROM updated u;

  IF found_id IS NULL THEN
    -- Nothing pending: tell an expired or locked code apart from none at all (e.g. already used).
    SELECT v.status::text INTO latest
      FROM "Verification" v
     WHERE v.phone = p_phone AND v.purpose = p_purpose
     ORDER BY v."createdAt" DESC
     LIMIT 1;
    found_status := CASE WHEN latest IN ('expired', 'locked') THEN latest ELSE 'not_found' END;
    INSERT INTO "VerifyAttempt" (id, "verificationId", phone, purpose, ip, result, "createdAt")
    VALUES (gen_random_uuid()::text, NULL, p_phone, p_purpose, p_ip, found_status, p_now);
  END IF;

  IF found_status = 'verified' AND p_bucket_seconds > 0 THEN
    -- The conversion guard's numerator. Its own subtransaction: a failure here (a deadlock on the
    -- hot country row, say) is logged and must not undo the verify, as when it was its own statement.
    BEGIN
      PERFORM otp_guard_note_verified(p_now, p_range, p_country, p_bucket_seconds);
    EXCEPTION WHEN OTHERS THEN
      RAISE WARNING 'otp_guard_note_verified failed: %', SQLSTATE;
    END;
  END IF;

  RETURN QUERY SELECT found_id, found_status, found_attempts, found_max, ip_n, ip_first;
END
$$;
