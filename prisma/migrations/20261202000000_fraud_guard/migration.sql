-- CreateTable
CREATE TABLE "OtpBudgetCounter" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "window" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "OtpBudgetCounter_pkey" PRIMARY KEY ("scope","key","window")
);

-- CreateTable
CREATE TABLE "OtpTraffic" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "sends" INTEGER NOT NULL DEFAULT 0,
    "verified" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "OtpTraffic_pkey" PRIMARY KEY ("scope","key","bucket")
);

-- CreateTable
CREATE TABLE "OtpBlock" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "sends" INTEGER,
    "verified" INTEGER,
    "rate" DOUBLE PRECISION,
    "baseline" DOUBLE PRECISION,
    "windowSeconds" INTEGER,
    "note" TEXT,
    "actorId" TEXT,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "liftedAt" TIMESTAMP(3),
    "liftedBy" TEXT,

    CONSTRAINT "OtpBlock_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OtpSafeListEntry" (
    "id" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "note" TEXT,
    "actorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OtpSafeListEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OtpGuardSetting" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "mode" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT,

    CONSTRAINT "OtpGuardSetting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OtpChallengeUse" (
    "signature" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OtpChallengeUse_pkey" PRIMARY KEY ("signature")
);

-- CreateIndex
CREATE INDEX "OtpTraffic_bucket_idx" ON "OtpTraffic"("bucket");

-- CreateIndex
CREATE INDEX "OtpBlock_scope_key_endsAt_idx" ON "OtpBlock"("scope", "key", "endsAt" DESC);

-- CreateIndex
CREATE INDEX "OtpBlock_startsAt_idx" ON "OtpBlock"("startsAt" DESC);

-- CreateIndex
CREATE INDEX "OtpBlock_endsAt_idx" ON "OtpBlock"("endsAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "OtpSafeListEntry_value_key" ON "OtpSafeListEntry"("value");

-- CreateIndex
CREATE INDEX "OtpChallengeUse_expiresAt_idx" ON "OtpChallengeUse"("expiresAt");

-- Fraud guard functions (docs/abuse.md). Helper "ip" owns otp_begin_send and otp_check_code; these
-- run before (budgets, blocks) and after (verified counts) them, each in one round trip.

-- The start of p_now's bucket of p_seconds (timestamps are UTC without a zone).
CREATE OR REPLACE FUNCTION otp_guard_bucket(p_now timestamp(3), p_seconds integer) RETURNS timestamp(3)
LANGUAGE sql IMMUTABLE AS $$
  SELECT 'epoch'::timestamp(3) + make_interval(secs => floor(extract(epoch FROM p_now) / p_seconds) * p_seconds)
$$;

-- Conversion guard for one range or country: when its sends over the sliding window reach
-- p_min_sends, its verify rate is under p_min_rate and its sends are above p_baseline_factor times
-- its own baseline (mean sends per window over the previous p_baseline_days), records a block with
-- those figures until p_now + p_block_seconds. Returns the active automatic block, if any. A block an
-- admin lifted is not re-created before a full window has passed since the lift.
CREATE OR REPLACE FUNCTION otp_guard_evaluate(
  p_scope text, p_key text, p_now timestamp(3), p_mode text, p_window_seconds integer, p_min_sends integer,
  p_min_rate double precision, p_baseline_factor double precision, p_baseline_days integer, p_block_seconds integer
) RETURNS TABLE (block_id text, ends_at timestamp(3))
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_from timestamp(3) := p_now - make_interval(secs => p_window_seconds);
  v_sends integer;
  v_verified integer;
  v_base_sends bigint;
  v_baseline double precision;
  v_id text;
  v_ends timestamp(3);
BEGIN
  IF p_key IS NULL OR p_min_sends <= 0 THEN RETURN; END IF;
  SELECT coalesce(sum(t.sends), 0), coalesce(sum(t.verified), 0) INTO v_sends, v_verified
    FROM "OtpTraffic" t WHERE t.scope = p_scope AND t.key = p_key AND t.bucket > v_from;
  IF v_sends < p_min_sends OR v_verified::double precision / v_sends >= p_min_rate THEN RETURN; END IF;
  SELECT coalesce(sum(t.sends), 0) INTO v_base_sends
    FROM "OtpTraffic" t
   WHERE t.scope = p_scope AND t.key = p_key AND t.bucket <= v_from
     AND t.bucket > p_now - make_interval(days => p_baseline_days);
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
    IF v_ends > p_now THEN RETURN QUERY SELECT v_id, v_ends; END IF;
    RETURN;
  END IF;
  v_id := gen_random_uuid()::text;
  v_ends := p_now + make_interval(secs => p_block_seconds);
  INSERT INTO "OtpBlock" (id, scope, key, reason, mode, sends, verified, rate, baseline, "windowSeconds", "startsAt", "endsAt")
  VALUES (v_id, p_scope, p_key, 'conversion', p_mode, v_sends, v_verified,
          round((v_verified::numeric / v_sends), 4)::double precision, round(v_baseline::numeric, 2)::double precision,
          p_window_seconds, p_now, v_ends);
  RETURN QUERY SELECT v_id, v_ends;
END
$$;

-- Everything the guard decides before otp_begin_send, in one statement. In order: the Safe List
-- (a number or any prefix of it bypasses blocks and the range and country budgets); an active block
-- (manual ones always, automatic ones when the mode is enforce); the conversion guard (range, then
-- country); then the hourly budgets, range → country → global, each one conditional upsert that
-- cannot pass its limit under concurrency; a refused budget gives back those already taken. Budget
-- windows are clock hours (UTC). Returns the refusal (or NULL) and the budgets taken, which
-- otp_guard_release gives back when otp_begin_send refuses the send after all.
CREATE OR REPLACE FUNCTION otp_guard_begin_send(
  p_now timestamp(3), p_phone text, p_range text, p_country text, p_mode text,
  p_global_limit integer, p_country_limit integer, p_range_limit integer,
  p_window_seconds integer, p_bucket_seconds integer, p_min_sends_range integer, p_min_sends_country integer,
  p_min_rate double precision, p_baseline_factor double precision, p_baseline_days integer, p_block_seconds integer
) RETURNS TABLE (refused text, retry_at timestamp(3), taken text[])
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_mode text;
  v_safe boolean;
  v_hour timestamp(3) := date_trunc('hour', p_now);
  v_bucket timestamp(3) := otp_guard_bucket(p_now, p_bucket_seconds);
  v_ends timestamp(3);
  v_block text;
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
      RETURN QUERY SELECT 'blocked'::text, v_ends, v_taken;
      RETURN;
    END IF;
    IF v_mode <> 'off' THEN
      SELECT e.block_id, e.ends_at INTO v_block, v_ends FROM otp_guard_evaluate('range', p_range, p_now, v_mode,
        p_window_seconds, p_min_sends_range, p_min_rate, p_baseline_factor, p_baseline_days, p_block_seconds) e;
      IF v_block IS NULL THEN
        SELECT e.block_id, e.ends_at INTO v_block, v_ends FROM otp_guard_evaluate('country', p_country, p_now, v_mode,
          p_window_seconds, p_min_sends_country, p_min_rate, p_baseline_factor, p_baseline_days, p_block_seconds) e;
      END IF;
      IF v_block IS NOT NULL AND v_mode = 'enforce' THEN
        RETURN QUERY SELECT 'blocked'::text, v_ends, v_taken;
        RETURN;
      END IF;
    END IF;

    IF p_range_limit > 0 AND p_range IS NOT NULL THEN
      INSERT INTO "OtpBudgetCounter" AS c (scope, key, "window", count) VALUES ('range', p_range, v_hour, 1)
        ON CONFLICT (scope, key, "window") DO UPDATE SET count = c.count + 1 WHERE c.count < p_range_limit
        RETURNING c.count INTO v_n;
      IF NOT FOUND THEN
        RETURN QUERY SELECT 'range_budget'::text, v_hour + interval '1 hour', v_taken;
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
        RETURN QUERY SELECT 'country_budget'::text, v_hour + interval '1 hour', ARRAY[]::text[];
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
      RETURN QUERY SELECT 'global_budget'::text, v_hour + interval '1 hour', ARRAY[]::text[];
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
  RETURN QUERY SELECT NULL::text, NULL::timestamp(3), v_taken;
END
$$;

-- Gives back the budgets (and, with p_traffic, the counted send) of a send refused after
-- otp_guard_begin_send took them, so a refused request costs nothing against the budgets.
CREATE OR REPLACE FUNCTION otp_guard_release(
  p_now timestamp(3), p_range text, p_country text, p_bucket_seconds integer, p_taken text[], p_traffic boolean
) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_hour timestamp(3) := date_trunc('hour', p_now);
  v_bucket timestamp(3) := otp_guard_bucket(p_now, p_bucket_seconds);
BEGIN
  UPDATE "OtpBudgetCounter" c SET count = c.count - 1
   WHERE c."window" = v_hour AND c.count > 0
     AND ((c.scope = 'range' AND c.key = p_range AND 'range' = ANY(p_taken))
       OR (c.scope = 'country' AND c.key = p_country AND 'country' = ANY(p_taken))
       OR (c.scope = 'global' AND c.key = '*' AND 'global' = ANY(p_taken)));
  IF p_traffic THEN
    UPDATE "OtpTraffic" t SET sends = t.sends - 1
     WHERE t.bucket = v_bucket AND t.sends > 0
       AND ((t.scope = 'range' AND t.key = p_range) OR (t.scope = 'country' AND t.key = p_country));
  END IF;
END
$$;

-- A code was verified: counts it for its range and country (the conversion guard's numerator).
CREATE OR REPLACE FUNCTION otp_guard_note_verified(p_now timestamp(3), p_range text, p_country text, p_bucket_seconds integer)
RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_bucket timestamp(3) := otp_guard_bucket(p_now, p_bucket_seconds);
BEGIN
  IF p_range IS NOT NULL THEN
    INSERT INTO "OtpTraffic" AS t (scope, key, bucket, sends, verified) VALUES ('range', p_range, v_bucket, 0, 1)
      ON CONFLICT (scope, key, bucket) DO UPDATE SET verified = t.verified + 1;
  END IF;
  IF p_country IS NOT NULL THEN
    INSERT INTO "OtpTraffic" AS t (scope, key, bucket, sends, verified) VALUES ('country', p_country, v_bucket, 0, 1)
      ON CONFLICT (scope, key, bucket) DO UPDATE SET verified = t.verified + 1;
  END IF;
END
$$;

-- Why a send should prove it is not a bot (OTP_CHALLENGE=adaptive), or NULL: a block in either mode
-- on the number, its range or country; the client IP key over half its hourly budget; or the global
-- sends this hour ahead of the pace the hourly budget allows (measured after the first 5 minutes).
CREATE OR REPLACE FUNCTION otp_guard_risk(
  p_now timestamp(3), p_phone text, p_range text, p_country text, p_ip text, p_ip_limit integer, p_global_limit integer
) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_hour timestamp(3) := date_trunc('hour', p_now);
  v_n bigint;
BEGIN
  IF EXISTS (SELECT 1 FROM "OtpBlock" b
              WHERE b."liftedAt" IS NULL AND b."startsAt" <= p_now AND b."endsAt" > p_now
                AND ((b.scope = 'range' AND b.key = p_range) OR (b.scope = 'country' AND b.key = p_country)
                     OR (b.scope = 'number' AND b.key = p_phone))) THEN
    RETURN 'guard';
  END IF;
  IF p_ip IS NOT NULL AND p_ip_limit > 0 THEN
    SELECT count(*) INTO v_n FROM (
      SELECT 1 FROM "Verification" v WHERE v.ip = p_ip AND v."createdAt" > p_now - interval '1 hour' LIMIT p_ip_limit
    ) x;
    IF v_n * 2 > p_ip_limit THEN RETURN 'ip'; END IF;
  END IF;
  IF p_global_limit > 0 THEN
    SELECT c.count INTO v_n FROM "OtpBudgetCounter" c WHERE c.scope = 'global' AND c.key = '*' AND c."window" = v_hour;
    IF coalesce(v_n, 0) > p_global_limit * greatest(300, extract(epoch FROM p_now - v_hour)) / 3600 THEN
      RETURN 'global';
    END IF;
  END IF;
  RETURN NULL;
END
$$;

-- Marks a bot-challenge solution used: true the first time, false on a replay (any instance).
-- Expired entries are deleted a few at a time, so the table stays as small as the live solutions.
CREATE OR REPLACE FUNCTION otp_use_challenge(p_signature text, p_expires_at timestamp(3), p_now timestamp(3))
RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  DELETE FROM "OtpChallengeUse" WHERE signature IN (
    SELECT u.signature FROM "OtpChallengeUse" u WHERE u."expiresAt" < p_now LIMIT 20);
  INSERT INTO "OtpChallengeUse" (signature, "expiresAt") VALUES (p_signature, p_expires_at)
    ON CONFLICT (signature) DO NOTHING;
  RETURN FOUND;
END
$$;
