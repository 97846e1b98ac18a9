-- Server settings for the weekly digest and reminders; one row once an admin runs /setup.
CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    timezone          TEXT    NOT NULL DEFAULT 'UTC',       -- IANA name
    digest_channel_id INTEGER,                              -- NULL: no digest
    digest_from       INTEGER,                              -- slots before this never post
    digest_day        INTEGER NOT NULL DEFAULT 0 CHECK (digest_day BETWEEN 0 AND 6),  -- 0 Monday
    digest_time       TEXT    NOT NULL DEFAULT '09:00',     -- HH:MM local
    empty_week        TEXT    NOT NULL DEFAULT 'line' CHECK (empty_week IN ('line', 'quiet')),
    grace_hours       INTEGER NOT NULL DEFAULT 48 CHECK (grace_hours >= 0),
    consistency_days  INTEGER NOT NULL DEFAULT 7 CHECK (consistency_days >= 1),
    engagement_day    INTEGER NOT NULL DEFAULT 2 CHECK (engagement_day BETWEEN 0 AND 6),
    mentions          INTEGER NOT NULL DEFAULT 0,           -- may the digest mention anyone
    problem           TEXT,                                 -- what went wrong last, for admins
    problem_at        INTEGER,
    updated_at        INTEGER NOT NULL
);

-- A member's own reminder preferences.
ALTER TABLE members ADD COLUMN reminders INTEGER NOT NULL DEFAULT 1;
ALTER TABLE members ADD COLUMN reminder_time TEXT;               -- HH:MM local; NULL: 18:00
ALTER TABLE members ADD COLUMN mentions INTEGER NOT NULL DEFAULT 0;  -- allows being mentioned
ALTER TABLE members ADD COLUMN dms_closed_at INTEGER;            -- a DM to them was refused

-- The name a member goes by in a server, as last seen, for the digest's plain-text lists.
ALTER TABLE member_guilds ADD COLUMN display_name TEXT;

-- One row per server and covered week: the durable claim that makes each digest post once.
CREATE TABLE digest_runs (
    guild_id     INTEGER NOT NULL,
    week         TEXT    NOT NULL,                 -- local Monday of the week covered
    state        TEXT    NOT NULL CHECK (state IN ('claimed', 'posted', 'failed', 'skipped')),
    owner        TEXT,                             -- the process holding the claim
    lease_until  INTEGER,                          -- unix seconds; a stale claim may be taken over
    attempts     INTEGER NOT NULL DEFAULT 0,
    pages_posted INTEGER NOT NULL DEFAULT 0,
    message_ids  TEXT    NOT NULL DEFAULT '[]',
    late         INTEGER NOT NULL DEFAULT 0,
    reason       TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, week)
) WITHOUT ROWID;

-- Reminders sent, at most one of each kind per member and member-local week.
CREATE TABLE reminders_sent (
    user_id  INTEGER NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('consistency', 'engagement')),
    week     TEXT    NOT NULL,                     -- member-local Monday
    via      TEXT    NOT NULL CHECK (via IN ('dm', 'mention', 'none')),
    guild_id INTEGER,
    sent_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind, week)
) WITHOUT ROWID;
