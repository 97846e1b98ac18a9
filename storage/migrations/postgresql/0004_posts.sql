-- PostgreSQL's form of sqlite/0004_posts.sql.
CREATE TABLE posts (
    id        BIGSERIAL PRIMARY KEY,
    user_id   BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    platform  TEXT   NOT NULL,
    posted_at BIGINT NOT NULL,
    views     BIGINT NOT NULL CHECK (views BETWEEN 0 AND 10000000000),
    likes     BIGINT NOT NULL CHECK (likes BETWEEN 0 AND views),
    comments  BIGINT NOT NULL CHECK (comments BETWEEN 0 AND views),
    shares    BIGINT NOT NULL CHECK (shares BETWEEN 0 AND views),
    link      TEXT,
    source    TEXT   NOT NULL CHECK (source IN ('self_reported', 'imported')),
    guild_id  BIGINT,
    logged_at BIGINT NOT NULL
);
CREATE INDEX posts_by_time ON posts (user_id, platform, posted_at, id);
CREATE INDEX posts_by_member ON posts (user_id, posted_at);

ALTER TABLE members ADD COLUMN posts_per_week BIGINT NOT NULL DEFAULT 3
    CHECK (posts_per_week BETWEEN 1 AND 100);
