-- SMS languages: each verification records the locale its SMS was written in (audits, admin detail).
ALTER TABLE "Verification" ADD COLUMN     "smsLocale" TEXT;

-- otp_record_sms, revised for SMS languages: p_locale (en, sw, fr, ar) is the language the message
-- was written in, kept on the verification for audits (NULL keeps what is there).
DROP FUNCTION IF EXISTS otp_record_sms(text, text, text, jsonb, text, boolean, timestamp(3), text, text);
CREATE OR REPLACE FUNCTION otp_record_sms(
  p_verification_id text,
  p_to text,
  p_masked_text text,
  p_attempts jsonb,
  p_provider text,
  p_ok boolean,
  p_now timestamp(3),
  p_channel text,
  p_fallback_code text,
  p_locale text
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
    "smsLocale" = coalesce(p_locale, v."smsLocale"),
    "smsStatus" = (CASE WHEN p_ok THEN 'sent' WHEN v_unconfirmed THEN 'unconfirmed' ELSE 'failed' END)::"SmsStatus",
    status = CASE WHEN p_ok OR v_unconfirmed OR v.status <> 'pending' THEN v.status ELSE 'failed' END,
    "updatedAt" = p_now
  WHERE v.id = p_verification_id;
END
$$;
