-- The community chart's past weeks, as a digest worked them out (bot.domain.series
-- .CommunityWeek), so the next digests need not read eight weeks of readings again.
-- Derived data: writing, changing or removing a reading taken before a week's end drops that
-- week for every server the member logged in, and a member joining or leaving a server drops
-- all of that server's weeks (the triggers below); the next digest works them out again.
CREATE TABLE chart_weeks (
    guild_id  INTEGER NOT NULL,
    zone      TEXT    NOT NULL,                 -- the IANA zone the week is counted in
    monday    TEXT    NOT NULL,                 -- a local Monday, YYYY-MM-DD
    starts_at INTEGER NOT NULL,                 -- unix seconds, UTC
    ends_at   INTEGER NOT NULL,                 -- unix seconds, UTC
    logged    INTEGER NOT NULL CHECK (logged >= 0),
    followers INTEGER,                          -- NULL: nobody had logged yet (a gap)
    PRIMARY KEY (guild_id, zone, monday)
) WITHOUT ROWID;

-- Where a base's readings must start (bot.domain.streaks.StreakBase.needs_from): a digest
-- reads readings from the earliest of these on. Bases kept before this version get a day
-- earlier than any zone's week before the horizon can start.
ALTER TABLE streak_bases ADD COLUMN needs_from INTEGER NOT NULL DEFAULT 0;
UPDATE streak_bases SET needs_from = settled_before - 8 * 86400;

-- The servers a member logged in, found from the member: what the triggers below ask.
CREATE INDEX member_guilds_by_member ON member_guilds (user_id, guild_id);

CREATE TRIGGER chart_reading_added AFTER INSERT ON readings BEGIN
    DELETE FROM chart_weeks WHERE ends_at > NEW.taken_at
        AND guild_id IN (SELECT guild_id FROM member_guilds WHERE user_id = NEW.user_id);
END;

CREATE TRIGGER chart_reading_removed AFTER DELETE ON readings BEGIN
    DELETE FROM chart_weeks WHERE ends_at > OLD.taken_at
        AND guild_id IN (SELECT guild_id FROM member_guilds WHERE user_id = OLD.user_id);
END;

-- A corrected follower count changes the chart, not the streak: the version is bumped here
-- too, so a week worked out from the count before is not kept (`readings_version`).
CREATE TRIGGER chart_reading_changed
AFTER UPDATE OF user_id, platform, taken_at, followers ON readings BEGIN
    UPDATE members SET readings_version = readings_version + 1
    WHERE user_id IN (OLD.user_id, NEW.user_id);
    DELETE FROM chart_weeks WHERE ends_at > OLD.taken_at
        AND guild_id IN (SELECT guild_id FROM member_guilds WHERE user_id = OLD.user_id);
    DELETE FROM chart_weeks WHERE ends_at > NEW.taken_at
        AND guild_id IN (SELECT guild_id FROM member_guilds WHERE user_id = NEW.user_id);
END;

CREATE TRIGGER chart_member_joined AFTER INSERT ON member_guilds BEGIN
    DELETE FROM chart_weeks WHERE guild_id = NEW.guild_id;
END;

CREATE TRIGGER chart_member_left AFTER DELETE ON member_guilds BEGIN
    DELETE FROM chart_weeks WHERE guild_id = OLD.guild_id;
END;

CREATE TRIGGER chart_member_moved AFTER UPDATE OF guild_id, user_id ON member_guilds BEGIN
    DELETE FROM chart_weeks WHERE guild_id IN (OLD.guild_id, NEW.guild_id);
END;
