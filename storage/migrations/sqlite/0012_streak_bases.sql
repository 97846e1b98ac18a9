-- What each member's weeks before a horizon add up to for the logging streak, in one zone
-- (bot.domain.streaks.StreakBase), so a digest need not count a year of readings every week.
-- Derived data: writing, changing or removing a reading taken before `settled_before` drops
-- the member's base (the triggers below), and the next digest counts it again.
CREATE TABLE streak_bases (
    user_id        INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    zone           TEXT    NOT NULL,            -- the IANA zone its weeks are counted in
    horizon        TEXT    NOT NULL,            -- a local Monday, YYYY-MM-DD
    settled_before INTEGER NOT NULL,            -- when that Monday starts, unix seconds, UTC
    run            INTEGER NOT NULL CHECK (run >= 0),
    PRIMARY KEY (user_id, zone)
) WITHOUT ROWID;

-- Bumped by every change to the member's readings: a base is stored only if no reading
-- changed since the ones it was counted from were read.
ALTER TABLE members ADD COLUMN readings_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER readings_added AFTER INSERT ON readings BEGIN
    UPDATE members SET readings_version = readings_version + 1 WHERE user_id = NEW.user_id;
    DELETE FROM streak_bases WHERE user_id = NEW.user_id AND settled_before > NEW.taken_at;
END;

CREATE TRIGGER readings_removed AFTER DELETE ON readings BEGIN
    UPDATE members SET readings_version = readings_version + 1 WHERE user_id = OLD.user_id;
    DELETE FROM streak_bases WHERE user_id = OLD.user_id AND settled_before > OLD.taken_at;
END;

CREATE TRIGGER readings_moved AFTER UPDATE OF user_id, taken_at ON readings BEGIN
    UPDATE members SET readings_version = readings_version + 1
    WHERE user_id IN (OLD.user_id, NEW.user_id);
    DELETE FROM streak_bases WHERE user_id = OLD.user_id AND settled_before > OLD.taken_at;
    DELETE FROM streak_bases WHERE user_id = NEW.user_id AND settled_before > NEW.taken_at;
END;
