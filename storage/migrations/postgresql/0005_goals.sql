-- PostgreSQL's form of sqlite/0005_goals.sql.
CREATE TABLE goals (
    user_id   BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    platform  TEXT   NOT NULL,
    followers BIGINT NOT NULL CHECK (followers BETWEEN 1 AND 10000000000),
    set_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, platform)
);
