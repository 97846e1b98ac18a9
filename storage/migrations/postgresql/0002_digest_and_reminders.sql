-- PostgreSQL's form of sqlite/0002_digest_and_reminders.sql.
CREATE TABLE guild_settings (
    guild_id          BIGINT PRIMARY KEY,
    timezone          TEXT   NOT NULL DEFAULT 'UTC',
    digest_channel_id BIGINT,
    digest_from       BIGINT,
    digest_day        BIGINT NOT NULL DEFAULT 0 CHECK (digest_day BETWEEN 0 AND 6),
    digest_time       TEXT   NOT NULL DEFAULT '09:00',
    empty_week        TEXT   NOT NULL DEFAULT 'line' CHECK (empty_week IN ('line', 'quiet')),
    grace_hours       BIGINT NOT NULL DEFAULT 48 CHECK (grace_hours >= 0),
    consistency_days  BIGINT NOT NULL DEFAULT 7 CHECK (consistency_days >= 1),
    engagement_day    BIGINT NOT NULL DEFAULT 2 CHECK (engagement_day BETWEEN 0 AND 6),
    mentions          BIGINT NOT NULL DEFAULT 0,
    problem           TEXT,
    problem_at        BIGINT,
    updated_at        BIGINT NOT NULL
);

ALTER TABLE members ADD COLUMN reminders BIGINT NOT NULL DEFAULT 1;
ALTER TABLE members ADD COLUMN reminder_time TEXT;
ALTER TABLE members ADD COLUMN mentions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN dms_closed_at BIGINT;

ALTER TABLE member_guilds ADD COLUMN display_name TEXT;

CREATE TABLE digest_runs (
    guild_id     BIGINT NOT NULL,
    week         TEXT   NOT NULL,
    state        TEXT   NOT NULL CHECK (state IN ('claimed', 'posted', 'failed', 'skipped')),
    owner        TEXT,
    lease_until  BIGINT,
    attempts     BIGINT NOT NULL DEFAULT 0,
    pages_posted BIGINT NOT NULL DEFAULT 0,
    message_ids  TEXT   NOT NULL DEFAULT '[]',
    late         BIGINT NOT NULL DEFAULT 0,
    reason       TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (guild_id, week)
);

CREATE TABLE reminders_sent (
    user_id  BIGINT NOT NULL,
    kind     TEXT   NOT NULL CHECK (kind IN ('consistency', 'engagement')),
    week     TEXT   NOT NULL,
    via      TEXT   NOT NULL CHECK (via IN ('dm', 'mention', 'none')),
    guild_id BIGINT,
    sent_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, week)
);
