-- PostgreSQL's form of sqlite/0001_initial.sql: the same tables, numbered the same.
-- Instants are unix seconds (BIGINT), as in SQLite, so both backends store the same values.
CREATE TABLE members (
    user_id          BIGINT PRIMARY KEY,
    default_platform TEXT   NOT NULL DEFAULT 'tiktok',
    timezone         TEXT,
    created_at       BIGINT NOT NULL
);

CREATE TABLE member_guilds (
    guild_id        BIGINT NOT NULL,
    user_id         BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    first_logged_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX member_guilds_by_user ON member_guilds (user_id);

CREATE TABLE readings (
    id        BIGSERIAL PRIMARY KEY,
    user_id   BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    platform  TEXT   NOT NULL,
    taken_at  BIGINT NOT NULL,
    followers BIGINT NOT NULL CHECK (followers BETWEEN 0 AND 10000000000),
    following BIGINT NOT NULL CHECK (following BETWEEN 0 AND 10000000000),
    source    TEXT   NOT NULL CHECK (source IN ('self_reported', 'imported')),
    likes     BIGINT CHECK (likes >= 0),
    posts     BIGINT CHECK (posts >= 0),
    gained    BIGINT CHECK (gained >= 0),
    lost      BIGINT CHECK (lost >= 0),
    note      TEXT,
    guild_id  BIGINT,
    logged_at BIGINT NOT NULL
);
CREATE INDEX readings_by_time ON readings (user_id, platform, taken_at, id);
CREATE INDEX readings_by_entry ON readings (user_id, id);

CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
