-- Where a digest was posted, so /digest send can point at it.
ALTER TABLE digest_runs ADD COLUMN channel_id INTEGER;
-- How many times an admin chose to post it again: each time its pages get new nonces.
ALTER TABLE digest_runs ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;

-- Claims still being worked on, found quickly by the sweep that takes over expired ones.
CREATE INDEX digest_runs_claimed ON digest_runs (lease_until) WHERE state = 'claimed';

-- Reminders become claims too: 'pending' while a process sends one, with a lease, so a
-- process that dies between recording and sending leaves it for another to finish.
CREATE TABLE reminders_sent_new (
    user_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('consistency', 'engagement')),
    week        TEXT    NOT NULL,                     -- member-local Monday
    via         TEXT    NOT NULL CHECK (via IN ('pending', 'dm', 'mention', 'none')),
    guild_id    INTEGER,
    sent_at     INTEGER NOT NULL,
    owner       TEXT,                                 -- the process sending it, while pending
    lease_until INTEGER,                              -- unix seconds; an expired one is retried
    PRIMARY KEY (user_id, kind, week)
) WITHOUT ROWID;
INSERT INTO reminders_sent_new (user_id, kind, week, via, guild_id, sent_at)
    SELECT user_id, kind, week, via, guild_id, sent_at FROM reminders_sent;
DROP TABLE reminders_sent;
ALTER TABLE reminders_sent_new RENAME TO reminders_sent;
CREATE INDEX reminders_pending ON reminders_sent (lease_until) WHERE via = 'pending';
