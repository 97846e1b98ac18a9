-- PostgreSQL's form of sqlite/0003_claims_that_expire.sql (no table rebuild needed here).
ALTER TABLE digest_runs ADD COLUMN channel_id BIGINT;
ALTER TABLE digest_runs ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
CREATE INDEX digest_runs_claimed ON digest_runs (lease_until) WHERE state = 'claimed';

ALTER TABLE reminders_sent DROP CONSTRAINT reminders_sent_via_check;
ALTER TABLE reminders_sent ADD CONSTRAINT reminders_sent_via_check
    CHECK (via IN ('pending', 'dm', 'mention', 'none'));
ALTER TABLE reminders_sent ADD COLUMN owner TEXT;
ALTER TABLE reminders_sent ADD COLUMN lease_until BIGINT;
CREATE INDEX reminders_pending ON reminders_sent (lease_until) WHERE via = 'pending';
