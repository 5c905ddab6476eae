-- Issue 19: every index of "Verification" is written by each send (insert) and by each of its two
-- updates (record_sms and verify change indexed columns, so neither is HOT). These two were added
-- for the channel and country breakdowns, which read the covering Verification_breakdown_idx
-- (createdAt, channel, smsProvider, country, …) since 20261202010200; no admin page or engine query
-- filters by channel or country alone (docs/admin.md lists the query behind each remaining index).

-- DropIndex
DROP INDEX "Verification_channel_createdAt_idx";

-- DropIndex
DROP INDEX "Verification_country_createdAt_idx";
