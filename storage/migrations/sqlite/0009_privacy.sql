-- A member who keeps their numbers private (/privacy hidden:true): left out of digests,
-- leaderboards and lookups by others, still counted anonymously in community totals.
ALTER TABLE members ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
