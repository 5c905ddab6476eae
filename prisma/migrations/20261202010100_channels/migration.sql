-- Channels: a code goes out by SMS, WhatsApp or a voice call. The verification records the channel
-- that carried it, each attempt its channel beside its provider; an `auto` send that went by
-- WhatsApp keeps the code encrypted (AES-256-GCM, key derived from OTP_SECRET) until WhatsApp
-- reports it delivered, it falls back to SMS, or it expires, so a later "failed" status can resend
-- the same code by SMS. Breakdowns by channel and country read their own indexes.
ALTER TABLE "Verification" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'sms';
ALTER TABLE "Verification" ADD COLUMN "fallbackCode" TEXT;
ALTER TABLE "SmsMessage" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'sms';

CREATE INDEX "Verification_channel_createdAt_idx" ON "Verification"("channel", "createdAt" DESC);
CREATE INDEX "Verification_country_createdAt_idx" ON "Verification"("country", "createdAt" DESC);

-- otp_record_sms, revised for channels: each attempt carries its channel (default sms), the
-- verification records the channel of the last attempt, and p_fallback_code (already encrypted by
-- the caller, or NULL) is kept only while a fallback may still be needed.
DROP FUNCTION IF EXISTS otp_record_sms(text, text, text, jsonb, text, boolean, timestamp(3));
CREATE OR REPLACE FUNCTION otp_record_sms(
  p_verification_id text,
  p_to text,
  p_masked_text text,
  p_attempts jsonb,
  p_provider text,
  p_ok boolean,
  p_now timestamp(3),
  p_channel text,
  p_fallback_code text
) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_unconfirmed boolean;
BEGIN
  INSERT INTO "SmsMessage" (id, "verificationId", provider, channel, attempt, "to", text, status, "providerMessageId",
                            "httpStatus", "errorCode", "errorMessage", "latencyMs", "createdAt", "updatedAt")
  SELECT gen_random_uuid()::text, p_verification_id, a.provider, coalesce(a.channel, 'sms'), a.attempt, p_to, p_masked_text,
         a.status::"SmsStatus", a."providerMessageId", a."httpStatus", a."errorCode", a."errorMessage",
         a."latencyMs", a."startedAt", a."startedAt"
    FROM jsonb_to_recordset(p_attempts) AS a(provider text, channel text, attempt int, status text,
         "providerMessageId" text, "httpStatus" int, "errorCode" text, "errorMessage" text,
         "latencyMs" int, "startedAt" timestamp(3));

  v_unconfirmed := NOT p_ok AND EXISTS (
    SELECT 1 FROM jsonb_array_elements(p_attempts) e WHERE e->>'status' = 'unconfirmed');

  UPDATE "Verification" v SET
    "smsProvider" = p_provider,
    channel = coalesce(p_channel, v.channel),
    "fallbackCode" = p_fallback_code,
    "smsStatus" = (CASE WHEN p_ok THEN 'sent' WHEN v_unconfirmed THEN 'unconfirmed' ELSE 'failed' END)::"SmsStatus",
    status = CASE WHEN p_ok OR v_unconfirmed OR v.status <> 'pending' THEN v.status ELSE 'failed' END,
    "updatedAt" = p_now
  WHERE v.id = p_verification_id;
END
$$;
