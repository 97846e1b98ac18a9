-- The platforms each member has readings on, kept by the triggers below: exactly the distinct
-- (user_id, platform) pairs of `readings`. Reads that go through each platform in turn (the
-- digest's) seek only these, instead of all five for every member.
CREATE TABLE member_platforms (
    user_id  INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    platform TEXT    NOT NULL,
    PRIMARY KEY (user_id, platform)
) WITHOUT ROWID;

INSERT INTO member_platforms (user_id, platform) SELECT DISTINCT user_id, platform FROM readings;

CREATE TRIGGER readings_platform_added AFTER INSERT ON readings BEGIN
    INSERT OR IGNORE INTO member_platforms (user_id, platform)
    VALUES (NEW.user_id, NEW.platform);
END;

CREATE TRIGGER readings_platform_removed AFTER DELETE ON readings BEGIN
    DELETE FROM member_platforms
    WHERE user_id = OLD.user_id AND platform = OLD.platform
      AND NOT EXISTS (
          SELECT 1 FROM readings WHERE user_id = OLD.user_id AND platform = OLD.platform);
END;

CREATE TRIGGER readings_platform_moved AFTER UPDATE OF user_id, platform ON readings BEGIN
    INSERT OR IGNORE INTO member_platforms (user_id, platform)
    VALUES (NEW.user_id, NEW.platform);
    DELETE FROM member_platforms
    WHERE user_id = OLD.user_id AND platform = OLD.platform
      AND NOT EXISTS (
          SELECT 1 FROM readings WHERE user_id = OLD.user_id AND platform = OLD.platform);
END;
