-- Gives budgets and traffic back in the order otp_guard_begin_send takes them (range, country,
-- global; then range, country). The multi-row UPDATEs locked rows in scan order, so a release and a
-- concurrent begin could each hold a row the other waited for: deadlock detected (40P01) under
-- 3,000 concurrent sends from one address on PostgreSQL.
CREATE OR REPLACE FUNCTION otp_guard_release(
  p_now timestamp(3), p_range text, p_country text, p_bucket_seconds integer, p_taken text[], p_traffic boolean
) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_hour timestamp(3) := date_trunc('hour', p_now);
  v_bucket timestamp(3) := otp_guard_bucket(p_now, p_bucket_seconds);
BEGIN
  IF 'range' = ANY(p_taken) THEN
    UPDATE "OtpBudgetCounter" c SET count = c.count - 1
     WHERE c.scope = 'range' AND c.key = p_range AND c."window" = v_hour AND c.count > 0;
  END IF;
  IF 'country' = ANY(p_taken) THEN
    UPDATE "OtpBudgetCounter" c SET count = c.count - 1
     WHERE c.scope = 'country' AND c.key = p_country AND c."window" = v_hour AND c.count > 0;
  END IF;
  IF 'global' = ANY(p_taken) THEN
    UPDATE "OtpBudgetCounter" c SET count = c.count - 1
     WHERE c.scope = 'global' AND c.key = '*' AND c."window" = v_hour AND c.count > 0;
  END IF;
  IF p_traffic THEN
    UPDATE "OtpTraffic" t SET sends = t.sends - 1
     WHERE t.scope = 'range' AND t.key = p_range AND t.bucket = v_bucket AND t.sends > 0;
    UPDATE "OtpTraffic" t SET sends = t.sends - 1
     WHERE t.scope = 'country' AND t.key = p_country AND t.bucket = v_bucket AND t.sends > 0;
  END IF;
END
$$;
