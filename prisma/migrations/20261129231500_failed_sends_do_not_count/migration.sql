-- otp_begin_send, revised: a send whose SMS failed (every provider refused or timed out) no longer
-- counts toward the resend cooldown or the per-phone hourly and daily limits — after a gateway
-- outage users are not locked out for an hour by their own retries. The per-IP limit still counts
-- every send, so a flood from one address is refused whatever the gateway answers.
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
