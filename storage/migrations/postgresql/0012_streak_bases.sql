-- PostgreSQL's form of sqlite/0012_streak_bases.sql.
CREATE TABLE streak_bases (
    user_id        BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    zone           TEXT   NOT NULL,
    horizon        TEXT   NOT NULL,
    settled_before BIGINT NOT NULL,
    run            BIGINT NOT NULL CHECK (run >= 0),
    PRIMARY KEY (user_id, zone)
);

ALTER TABLE members ADD COLUMN readings_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION readings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE members SET readings_version = readings_version + 1
        WHERE user_id = OLD.user_id;
        DELETE FROM streak_bases
        WHERE user_id = OLD.user_id AND settled_before > OLD.taken_at;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE members SET readings_version = readings_version + 1
        WHERE user_id = NEW.user_id;
        DELETE FROM streak_bases
        WHERE user_id = NEW.user_id AND settled_before > NEW.taken_at;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER readings_changed AFTER INSERT OR DELETE OR UPDATE OF user_id, taken_at
ON readings FOR EACH ROW EXECUTE FUNCTION readings_changed();
