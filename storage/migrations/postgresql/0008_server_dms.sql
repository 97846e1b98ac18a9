-- PostgreSQL's form of sqlite/0008_server_dms.sql.
ALTER TABLE guild_settings ADD COLUMN dms BIGINT NOT NULL DEFAULT 1;
