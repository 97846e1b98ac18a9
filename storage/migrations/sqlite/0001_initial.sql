-- Members: one row per Discord user who has logged, with their own settings.
CREATE TABLE members (
    user_id          INTEGER PRIMARY KEY,
    default_platform TEXT    NOT NULL DEFAULT 'tiktok',
    timezone         TEXT,                      -- IANA name; NULL means UTC
    created_at       INTEGER NOT NULL           -- unix seconds, UTC
);

-- The servers a member has logged in: other members there may read their numbers.
CREATE TABLE member_guilds (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    first_logged_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- Readings: a member's counts on one platform at one instant.
CREATE TABLE readings (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    platform  TEXT    NOT NULL,
    taken_at  INTEGER NOT NULL,                 -- unix seconds, UTC
    followers INTEGER NOT NULL CHECK (followers BETWEEN 0 AND 10000000000),
    following INTEGER NOT NULL CHECK (following BETWEEN 0 AND 10000000000),
    -- Only what a member reported or imported is stored; an estimate never is.
    source    TEXT    NOT NULL CHECK (source IN ('self_reported', 'imported')),
    likes     INTEGER CHECK (likes >= 0),
    posts     INTEGER CHECK (posts >= 0),
    gained    INTEGER CHECK (gained >= 0),
    lost      INTEGER CHECK (lost >= 0),
    note      TEXT,
    guild_id  INTEGER,                          -- the server it was logged in
    logged_at INTEGER NOT NULL                  -- when it was written, unix seconds, UTC
);
CREATE INDEX readings_by_time ON readings (user_id, platform, taken_at, id);
CREATE INDEX readings_by_entry ON readings (user_id, id);

-- Small facts the bot keeps about itself, such as the hash of the last command sync.
CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
