-- Issue 18: protection.block_started went out from the minute sweep, up to a minute after the block
-- began. The conversion guard now reports the block it has just created, and the send that created
-- it queues the event in the same request (lib/otp/guard.ts); the sweep stays as a safety net (the
-- event id block:<id> makes a repeat a no-op).
--  * otp_guard_evaluate also returns `started`: true only for the call that inserted the block;
--  * otp_guard_begin_send also returns `started_block`: the id of a block this send started, else NULL.
-- Arguments are unchanged, and callers that select refused, retry_at, taken by name keep working.
-- Both return types change, which CREATE OR REPLACE cannot do: each function is dropped and
-- created again inside this migration's one transaction.

DROP FUNCTION IF EXISTS otp_guard_begin_send(timestamp(3), text, text, text, text, integer, integer, integer, integer, integer, integer, integer, integer, double precision, double precision, integer, integer);
DROP FUNCTION IF EXISTS otp_guard_evaluate(text, text, timestamp(3), text, integer, integer, integer, double precision, double precision, integer, integer);

-- As in 20261203030000_guard_suspect_ranges, plus `started`.
CREATE FUNCTION otp_guard_evaluate(
  p_scope text, p_key text, p_now timestamp(3), p_mode text, p_window_seconds integer, p_min_sends integer,
  p_min_sends_new integer, p_min_rate double precision, p_baseline_factor double precision, p_baseline_days integer,
  p_block_seconds integer
) RETURNS TABLE (block_id text, ends_at timestamp(3), started boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_from timestamp(3) := p_now - make_interval(secs => p_window_seconds);
  v_sends integer;
  v_verified integer;
  v_base_sends bigint;
  v_baseline double precision;
  v_early boolean;
  v_id text;
  v_ends timestamp(3);
BEGIN
  IF p_key IS NULL OR p_min_sends <= 0 THEN RETURN; END IF;
  SELECT coalesce(sum(t.sends), 0), coalesce(sum(t.verified), 0) INTO v_sends, v_verified
    FROM "OtpTraffic" t WHERE t.scope = p_scope AND t.key = p_key AND t.bucket > v_from;
  v_early := p_min_sends_new > 0 AND v_verified = 0 AND v_sends >= p_min_sends_new AND v_sends < p_min_sends;
  IF v_sends < p_min_sends AND NOT v_early THEN RETURN; END IF;
  IF v_verified::double precision / v_sends >= p_min_rate THEN RETURN; END IF;
  SELECT coalesce(sum(t.sends), 0) INTO v_base_sends
    FROM "OtpTraffic" t
   WHERE t.scope = p_scope AND t.key = p_key AND t.bucket <= v_from
     AND t.bucket > p_now - make_interval(days => p_baseline_days);
  -- Judging early is only for traffic that is new: a range with any history waits for p_min_sends.
  IF v_early AND v_base_sends > 0 THEN RETURN; END IF;
  v_baseline := v_base_sends::double precision
    / greatest(1, (p_baseline_days * 86400 - p_window_seconds)::double precision / p_window_seconds);
  IF v_sends <= v_baseline * p_baseline_factor THEN RETURN; END IF;

  -- Concurrent sends that all see the trigger create one block between them.
  PERFORM pg_advisory_xact_lock(hashtext('otp_guard:' || p_scope || ':' || p_key));
  SELECT b.id, b."endsAt" INTO v_id, v_ends FROM "OtpBlock" b
   WHERE b.scope = p_scope AND b.key = p_key AND b.reason = 'conversion'
     AND (b."liftedAt" IS NULL AND b."endsAt" > p_now OR b."liftedAt" > v_from)
   ORDER BY b."endsAt" DESC LIMIT 1;
  IF v_id IS NOT NULL THEN
    IF v_ends > p_now THEN RETURN QUERY SELECT v_id, v_ends, false; END IF;
    RETURN;
  END IF;
  v_id := gen_random_uuid()::text;
  v_ends := p_now + make_interval(secs => p_block_seconds);
  INSERT INTO "OtpBlock" (id, scope, key, reason, mode, sends, verified, rate, baseline, "windowSeconds", note, "startsAt", "endsAt")
  VALUES (v_id, p_scope, p_key, 'conversion', p_mode, v_sends, v_verified,
          round((v_verified::numeric / v_sends), 4)::double precision, round(v_baseline::numeric, 2)::double precision,
          p_window_seconds, CASE WHEN v_early THEN 'new traffic, nothing verified: judged after ' || p_min_sends_new || ' sends' END,
          p_now, v_ends);
  RETURN QUERY SELECT v_id, v_ends, true;
END
$$;

-- As in 20261203030000_guard_suspect_ranges, plus `started_block`.
CREATE FUNCTION otp_guard_begin_send(
  p_now timestamp(3), p_phone text, p_range text, p_country text, p_mode text,
  p_global_limit integer, p_country_limit integer, p_range_limit integer,
  p_window_seconds integer, p_bucket_seconds integer, p_min_sends_range integer, p_min_sends_new_range integer,
  p_min_sends_country integer, p_min_rate double precision, p_baseline_factor double precision,
  p_baseline_days integer, p_block_seconds integer
) RETURNS TABLE (refused text, retry_at timestamp(3), taken text[], started_block text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_mode text;
  v_safe boolean;
  v_hour timestamp(3) := date_trunc('hour', p_now);
  v_bucket timestamp(3) := otp_guard_bucket(p_now, p_bucket_seconds);
  v_ends timestamp(3);
  v_block text;
  v_started boolean;
  v_started_block text;
  v_taken text[] := ARRAY[]::text[];
  v_n integer;
BEGIN
  SELECT s.mode INTO v_mode FROM "OtpGuardSetting" s WHERE s.id = 1;
  v_mode := coalesce(v_mode, p_mode);
  v_safe := EXISTS (SELECT 1 FROM "OtpSafeListEntry" s
                     WHERE s.value IN (SELECT left(p_phone, n) FROM generate_series(2, length(p_phone)) n));
  IF NOT v_safe THEN
    SELECT b."endsAt" INTO v_ends FROM "OtpBlock" b
     WHERE b."liftedAt" IS NULL AND b."startsAt" <= p_now AND b."endsAt" > p_now
       AND (b.reason = 'manual' OR v_mode = 'enforce')
       AND ((b.scope = 'range' AND b.key = p_range) OR (b.scope = 'country' AND b.key = p_country)
            OR (b.scope = 'number' AND b.key = p_phone))
     ORDER BY b."endsAt" DESC LIMIT 1;
    IF v_ends IS NOT NULL THEN
      RETURN QUERY SELECT 'blocked'::text, v_ends, v_taken, v_started_block;
      RETURN;
    END IF;
    IF v_mode <> 'off' THEN
      SELECT e.block_id, e.ends_at, e.started INTO v_block, v_ends, v_started FROM otp_guard_evaluate('range', p_range, p_now, v_mode,
        p_window_seconds, p_min_sends_range, p_min_sends_new_range, p_min_rate, p_baseline_factor, p_baseline_days, p_block_seconds) e;
      IF v_block IS NULL THEN
        SELECT e.block_id, e.ends_at, e.started INTO v_block, v_ends, v_started FROM otp_guard_evaluate('country', p_country, p_now, v_mode,
          p_window_seconds, p_min_sends_country, 0, p_min_rate, p_baseline_factor, p_baseline_days, p_block_seconds) e;
      END IF;
      IF v_started THEN v_started_block := v_block; END IF;
      IF v_block IS NOT NULL AND v_mode = 'enforce' THEN
        RETURN QUERY SELECT 'blocked'::text, v_ends, v_taken, v_started_block;
        RETURN;
      END IF;
    END IF;

    IF p_range_limit > 0 AND p_range IS NOT NULL THEN
      INSERT INTO "OtpBudgetCounter" AS c (scope, key, "window", count) VALUES ('range', p_range, v_hour, 1)
        ON CONFLICT (scope, key, "window") DO UPDATE SET count = c.count + 1 WHERE c.count < p_range_limit
        RETURNING c.count INTO v_n;
      IF NOT FOUND THEN
        RETURN QUERY SELECT 'range_budget'::text, v_hour + interval '1 hour', v_taken, v_started_block;
        RETURN;
      END IF;
      v_taken := v_taken || 'range'::text;
    END IF;
    IF p_country_limit > 0 AND p_country IS NOT NULL THEN
      INSERT INTO "OtpBudgetCounter" AS c (scope, key, "window", count) VALUES ('country', p_country, v_hour, 1)
        ON CONFLICT (scope, key, "window") DO UPDATE SET count = c.count + 1 WHERE c.count < p_country_limit
        RETURNING c.count INTO v_n;
      IF NOT FOUND THEN
        PERFORM otp_guard_release(p_now, p_range, p_country, p_bucket_seconds, v_taken, false);
        RETURN QUERY SELECT 'country_budget'::text, v_hour + interval '1 hour', ARRAY[]::text[], v_started_block;
        RETURN;
      END IF;
      v_taken := v_taken || 'country'::text;
    END IF;
  END IF;
  IF p_global_limit > 0 THEN
    INSERT INTO "OtpBudgetCounter" AS c (scope, key, "window", count) VALUES ('global', '*', v_hour, 1)
      ON CONFLICT (scope, key, "window") DO UPDATE SET count = c.count + 1 WHERE c.count < p_global_limit
      RETURNING c.count INTO v_n;
    IF NOT FOUND THEN
      PERFORM otp_guard_release(p_now, p_range, p_country, p_bucket_seconds, v_taken, false);
      RETURN QUERY SELECT 'global_budget'::text, v_hour + interval '1 hour', ARRAY[]::text[], v_started_block;
      RETURN;
    END IF;
    v_taken := v_taken || 'global'::text;
  END IF;

  IF p_range IS NOT NULL THEN
    INSERT INTO "OtpTraffic" AS t (scope, key, bucket, sends, verified) VALUES ('range', p_range, v_bucket, 1, 0)
      ON CONFLICT (scope, key, bucket) DO UPDATE SET sends = t.sends + 1;
  END IF;
  IF p_country IS NOT NULL THEN
    INSERT INTO "OtpTraffic" AS t (scope, key, bucket, sends, verified) VALUES ('country', p_country, v_bucket, 1, 0)
      ON CONFLICT (scope, key, bucket) DO UPDATE SET sends = t.sends + 1;
  END IF;
  RETURN QUERY SELECT NULL::text, NULL::timestamp(3), v_taken, v_started_block;
END
$$;
