-- Posts: one published post's own numbers, logged with /post. Kept apart from the profile
-- totals (total likes, number of posts) that a reading may carry in `readings.likes` and
-- `readings.posts`.
CREATE TABLE posts (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    platform  TEXT    NOT NULL,
    posted_at INTEGER NOT NULL,                 -- unix seconds, UTC
    views     INTEGER NOT NULL CHECK (views BETWEEN 0 AND 10000000000),
    -- Every like, comment and share comes from someone who saw the post.
    likes     INTEGER NOT NULL CHECK (likes BETWEEN 0 AND views),
    comments  INTEGER NOT NULL CHECK (comments BETWEEN 0 AND views),
    shares    INTEGER NOT NULL CHECK (shares BETWEEN 0 AND views),
    link      TEXT,
    source    TEXT    NOT NULL CHECK (source IN ('self_reported', 'imported')),
    guild_id  INTEGER,                          -- the server it was logged in
    logged_at INTEGER NOT NULL                  -- when it was written, unix seconds, UTC
);
CREATE INDEX posts_by_time ON posts (user_id, platform, posted_at, id);
CREATE INDEX posts_by_member ON posts (user_id, posted_at);

-- A member's posting target, in posts a week (/me posts_per_week).
ALTER TABLE members ADD COLUMN posts_per_week INTEGER NOT NULL DEFAULT 3
    CHECK (posts_per_week BETWEEN 1 AND 100);
