-- PostgreSQL's form of sqlite/0007_following_optional.sql: dropped in place, no rebuild.
ALTER TABLE readings ALTER COLUMN following DROP NOT NULL;
ALTER TABLE readings ADD CONSTRAINT readings_following_check_youtube
    CHECK (following IS NOT NULL OR platform = 'youtube');
