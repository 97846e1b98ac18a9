-- Interactions whose writes are stored: if Discord delivers one to two processes (started on
-- the same shards by mistake), the second finds its id here, in the same transaction, and
-- stores nothing. Rows older than a day are pruned: Discord never redelivers that late.
CREATE TABLE interactions_seen (
    id      BIGINT PRIMARY KEY,                 -- the interaction's snowflake
    seen_at BIGINT NOT NULL                     -- unix seconds, UTC
);
CREATE INDEX interactions_seen_by_time ON interactions_seen (seen_at);
