-- Follower goals: one per member and platform (/goal). Only the target is stored; progress and
-- the projected date are worked out when shown, and an estimate is never stored.
CREATE TABLE goals (
    user_id   INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    platform  TEXT    NOT NULL,
    followers INTEGER NOT NULL CHECK (followers BETWEEN 1 AND 10000000000),
    set_at    INTEGER NOT NULL,                 -- unix seconds, UTC
    PRIMARY KEY (user_id, platform)
) WITHOUT ROWID;
