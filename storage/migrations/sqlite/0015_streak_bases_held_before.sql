-- Whether the week just before a base's horizon holds a reading of its own
-- (bot.domain.streaks.StreakBase.held_before): with it, a base needs no reading from before
-- its horizon, so it needs its readings from where it splits the history, `settled_before`,
-- and `needs_from` goes. Bases kept before this version do not say: they are dropped, and
-- the next digests count them again.
DELETE FROM streak_bases;
ALTER TABLE streak_bases ADD COLUMN held_before INTEGER NOT NULL DEFAULT 0
    CHECK (held_before IN (0, 1));
ALTER TABLE streak_bases DROP COLUMN needs_from;
