-- PostgreSQL's form of sqlite/0015_streak_bases_held_before.sql.
DELETE FROM streak_bases;
ALTER TABLE streak_bases ADD COLUMN held_before BIGINT NOT NULL DEFAULT 0
    CHECK (held_before IN (0, 1));
ALTER TABLE streak_bases DROP COLUMN needs_from;
