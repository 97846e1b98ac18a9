-- PostgreSQL's form of sqlite/0006_digest_detail.sql.
ALTER TABLE guild_settings ADD COLUMN digest_detail TEXT NOT NULL DEFAULT 'top'
    CHECK (digest_detail IN ('top', 'all'));
