-- PostgreSQL's form of sqlite/0014_chart_weeks.sql.
CREATE TABLE chart_weeks (
    guild_id  BIGINT NOT NULL,
    zone      TEXT   NOT NULL,
    monday    TEXT   NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at   BIGINT NOT NULL,
    logged    BIGINT NOT NULL CHECK (logged >= 0),
    followers BIGINT,
    PRIMARY KEY (guild_id, zone, monday)
);

ALTER TABLE streak_bases ADD COLUMN needs_from BIGINT NOT NULL DEFAULT 0;
UPDATE streak_bases SET needs_from = settled_before - 8 * 86400;

CREATE INDEX member_guilds_by_member ON member_guilds (user_id, guild_id);

CREATE FUNCTION chart_reading() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE members SET readings_version = readings_version + 1
        WHERE user_id IN (OLD.user_id, NEW.user_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM chart_weeks WHERE ends_at > OLD.taken_at
            AND guild_id IN (SELECT guild_id FROM member_guilds WHERE user_id = OLD.user_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        DELETE FROM chart_weeks WHERE ends_at > NEW.taken_at
            AND guild_id IN (SELECT guild_id FROM member_guilds WHERE user_id = NEW.user_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER chart_reading
AFTER INSERT OR DELETE OR UPDATE OF user_id, platform, taken_at, followers
ON readings FOR EACH ROW EXECUTE FUNCTION chart_reading();

CREATE FUNCTION chart_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM chart_weeks WHERE guild_id = OLD.guild_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        DELETE FROM chart_weeks WHERE guild_id = NEW.guild_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER chart_member AFTER INSERT OR DELETE OR UPDATE OF guild_id, user_id
ON member_guilds FOR EACH ROW EXECUTE FUNCTION chart_member();
