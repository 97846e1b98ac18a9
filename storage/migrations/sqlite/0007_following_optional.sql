-- YouTube profiles show no following count: a YouTube reading may leave `following` out
-- (NULL), and net followers then says it needs it. Every other platform still requires it.
-- SQLite cannot drop NOT NULL in place, so the table is rebuilt with its rows and indexes.
CREATE TABLE readings_new (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    platform  TEXT    NOT NULL,
    taken_at  INTEGER NOT NULL,                 -- unix seconds, UTC
    followers INTEGER NOT NULL CHECK (followers BETWEEN 0 AND 10000000000),
    following INTEGER CHECK (following BETWEEN 0 AND 10000000000),
    source    TEXT    NOT NULL CHECK (source IN ('self_reported', 'imported')),
    likes     INTEGER CHECK (likes >= 0),      -- profile totals, not one post's
    posts     INTEGER CHECK (posts >= 0),
    gained    INTEGER CHECK (gained >= 0),
    lost      INTEGER CHECK (lost >= 0),
    note      TEXT,
    guild_id  INTEGER,                          -- the server it was logged in
    logged_at INTEGER NOT NULL,                 -- when it was written, unix seconds, UTC
    CHECK (following IS NOT NULL OR platform = 'youtube')
);
INSERT INTO readings_new SELECT id, user_id, platform, taken_at, followers, following, source,
    likes, posts, gained, lost, note, guild_id, logged_at FROM readings;
DROP TABLE readings;
ALTER TABLE readings_new RENAME TO readings;
CREATE INDEX readings_by_time ON readings (user_id, platform, taken_at, id);
CREATE INDEX readings_by_entry ON readings (user_id, id);
