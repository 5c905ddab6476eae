-- An SMS attempt whose outcome is unknown (timeout, reset after the request was written, a 5xx
-- other than 503, an unreadable 2xx): the gateway may have taken the message. Such a send is never
-- retried on the same provider, and it must count toward the resend cooldown and the per-phone
-- limits like a sent one — otherwise a slow gateway lets the same number be sent to without bound.
ALTER TYPE "SmsStatus" ADD VALUE IF NOT EXISTS 'unconfirmed';

-- otp_record_sms, revised: an unconfirmed send (no provider accepted it, but one may have) keeps
-- its verification 'pending' — the code may have arrived and stays usable, and otp_begin_send's
-- "not failed" filters count it toward cooldown and per-phone limits — with smsStatus 'unconfirmed'.
-- Only a send every provider definitely refused marks the verification 'failed' (it does not count).
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
DECLARE
  v_unconfirmed boolean;
BEGIN
  INSERT INTO "SmsMessage" (id, "verificationId", provider, attempt, "to", text, status, "providerMessageId",
                            "httpStatus", "errorCode", "errorMessage", "latencyMs", "createdAt", "updatedAt")
  SELECT gen_random_uuid()::text, p_verification_id, a.provider, a.attempt, p_to, p_masked_text,
         a.status::"SmsStatus", a."providerMessageId", a."httpStatus", a."errorCode", a."errorMessage",
         a."latencyMs", a."startedAt", a."startedAt"
    FROM jsonb_to_recordset(p_attempts) AS a(provider text, attempt int, status text,
         "providerMessageId" text, "httpStatus" int, "errorCode" text, "errorMessage" text,
         "latencyMs" int, "startedAt" timestamp(3));

  v_unconfirmed := NOT p_ok AND EXISTS (
    SELECT 1 FROM jsonb_array_elements(p_attempts) e WHERE e->>'status' = 'unconfirmed');

  UPDATE "Verification" v SET
    "smsProvider" = p_provider,
    "smsStatus" = (CASE WHEN p_ok THEN 'sent' WHEN v_unconfirmed THEN 'unconfirmed' ELSE 'failed' END)::"SmsStatus",
    status = CASE WHEN p_ok OR v_unconfirmed OR v.status <> 'pending' THEN v.status ELSE 'failed' END,
    "updatedAt" = p_now
  WHERE v.id = p_verification_id;
END
$$;
