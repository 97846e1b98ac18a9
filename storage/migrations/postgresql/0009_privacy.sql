-- PostgreSQL's form of sqlite/0009_privacy.sql.
ALTER TABLE members ADD COLUMN hidden BIGINT NOT NULL DEFAULT 0;
