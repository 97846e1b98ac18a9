-- PostgreSQL's form of sqlite/0013_member_platforms.sql.
CREATE TABLE member_platforms (
    user_id  BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    platform TEXT   NOT NULL,
    PRIMARY KEY (user_id, platform)
);

INSERT INTO member_platforms (user_id, platform) SELECT DISTINCT user_id, platform FROM readings;

CREATE FUNCTION readings_platform() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO member_platforms (user_id, platform)
        VALUES (NEW.user_id, NEW.platform) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM member_platforms
        WHERE user_id = OLD.user_id AND platform = OLD.platform
          AND NOT EXISTS (
              SELECT 1 FROM readings WHERE user_id = OLD.user_id AND platform = OLD.platform);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER readings_platform AFTER INSERT OR DELETE OR UPDATE OF user_id, platform
ON readings FOR EACH ROW EXECUTE FUNCTION readings_platform();
