-- Per-IP windows exact under concurrency. Before, only the phone was locked: two sends for different
-- numbers from one address, or any two verifies from one address, read the IP window at the same
-- time and both passed it (measured on PostgreSQL: 3,000 concurrent verifies passed 204 of a limit
-- of 60, sends 37 of 30). Now each function, when the window is not already full, takes a
-- transaction-scoped advisory lock for the IP key and reads the window again in its own statement,
-- so (the functions being VOLATILE, under READ COMMITTED) the count sees every row written by the
-- holders before it.
--
-- Lock order, the same in every transaction, so no cycle (deadlock) can form:
--   1. the phone lock, pg_advisory_xact_lock(hashtext(phone)) — the one-key space, as before, so an
--      instance still running the previous function serialises with this one;
--   2. the IP lock, in the two-key space (a different lock space from the one-key locks, so a phone
--      can never collide with an IP): class 1330925641 for sends, 1330925642 for verifies (sends and
--      verifies count different tables, so they need not wait for each other);
--   3. row locks on "Verification", last.
-- No transaction takes a second lock of a kind it already holds, and nothing waits for an advisory
-- lock while it holds a row lock.

CREATE OR REPLACE FUNCTION otp_begin_send(
  p_id text,
  p_phone text,
  p_country text,
  p_purpose text,
  p_code_hash text,
  p_max_attempts integer,
  p_expires_at timestamp(3),
  p_now timestamp(3),
  p_ip text,
  p_user_agent text,
  p_is_test boolean,
  p_cooldown_seconds integer,
  p_max_phone_hour integer,
  p_max_phone_day integer,
  p_max_ip_hour integer
) RETURNS TABLE (refused_rule text, retry_at timestamp(3))
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  hour_ago timestamp(3) := p_now - interval '1 hour';
  day_ago timestamp(3) := p_now - interval '1 day';
  last_for_purpose timestamp(3);
  phone_hour integer;
  phone_hour_oldest timestamp(3);
  phone_day integer;
  phone_day_oldest timestamp(3);
  ip_hour integer;
  ip_hour_oldest timestamp(3);
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(p_phone));
  -- Sends that ended verified do not count toward the per-phone limits (Twilio Verify's rule), nor
  -- do sends whose SMS never left (failed): the user received nothing and may ask again at once.
  SELECT max(v."createdAt") FILTER (WHERE v.purpose = p_purpose AND v.status <> 'failed'),
         count(*) FILTER (WHERE v."createdAt" > hour_ago AND v.status NOT IN ('verified', 'failed')),
         min(v."createdAt") FILTER (WHERE v."createdAt" > hour_ago AND v.status NOT IN ('verified', 'failed')),
         count(*) FILTER (WHERE v.status NOT IN ('verified', 'failed')),
         min(v."createdAt") FILTER (WHERE v.status NOT IN ('verified', 'failed'))
    INTO last_for_purpose, phone_hour, phone_hour_oldest, phone_day, phone_day_oldest
    FROM "Verification" v
   WHERE v.phone = p_phone AND v."createdAt" > day_ago;

  IF p_cooldown_seconds > 0 AND last_for_purpose IS NOT NULL
     AND last_for_purpose + make_interval(secs => p_cooldown_seconds) > p_now THEN
    RETURN QUERY SELECT 'cooldown'::text, last_for_purpose + make_interval(secs => p_cooldown_seconds);
    RETURN;
  END IF;
  IF p_max_phone_hour > 0 AND phone_hour >= p_max_phone_hour THEN
    RETURN QUERY SELECT 'phone_hour'::text, phone_hour_oldest + interval '1 hour';
    RETURN;
  END IF;
  IF p_max_phone_day > 0 AND phone_day >= p_max_phone_day THEN
    RETURN QUERY SELECT 'phone_day'::text, phone_day_oldest + interval '1 day';
    RETURN;
  END IF;
  IF p_max_ip_hour > 0 AND p_ip IS NOT NULL THEN
    SELECT count(*), min(v."createdAt") INTO ip_hour, ip_hour_oldest
      FROM "Verification" v
     WHERE v.ip = p_ip AND v."createdAt" > hour_ago;
    -- A full window refuses without queueing for the lock (a later snapshot can only count more),
    -- so a flood from one address does not serialise. Under the limit: lock, then count again in
    -- its own statement, on a snapshot taken after the lock was granted.
    IF ip_hour < p_max_ip_hour THEN
      PERFORM pg_advisory_xact_lock(1330925641, hashtext(p_ip));
      SELECT count(*), min(v."createdAt") INTO ip_hour, ip_hour_oldest
        FROM "Verification" v
       WHERE v.ip = p_ip AND v."createdAt" > hour_ago;
    END IF;
    IF ip_hour >= p_max_ip_hour THEN
      RETURN QUERY SELECT 'ip_hour'::text, ip_hour_oldest + interval '1 hour';
      RETURN;
    END IF;
  END IF;

  UPDATE "Verification" v
     SET status = 'superseded', "updatedAt" = p_now
   WHERE v.phone = p_phone AND v.purpose = p_purpose AND v.status = 'pending';

  INSERT INTO "Verification"
    (id, phone, country, purpose, "codeHash", status, attempts, "maxAttempts", "expiresAt",
     "createdAt", "updatedAt", ip, "userAgent", "isTestNumber")
  VALUES
    (p_id, p_phone, p_country, p_purpose, p_code_hash, 'pending', 0, p_max_attempts, p_expires_at,
     p_now, p_now, p_ip, p_user_agent, p_is_test);

  RETURN QUERY SELECT NULL::text, NULL::timestamp(3);
END
$$;

-- otp_check_code, revised: the IP window is read under the IP lock in its own statement (above),
-- and a call that finds no pending code records its attempt here too (result expired, locked or
-- not_found, from the newest verification) instead of in a second round trip outside the lock, so
-- those calls count toward the window exactly as well. Same arguments and columns as before; r_id
-- NULL with r_status NULL means the IP window refused the call, r_id NULL with r_status set means
-- nothing was pending (and r_status says why). During a rolling deploy an instance still running
-- the previous code records its not-found attempts a second time: harmless, it only counts more.
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

  RETURN QUERY SELECT found_id, found_status, found_attempts, found_max, ip_n, ip_first;
END
$$;
