-- Whether NetGain may DM this server's members reminders at all (/setup reminders dms:off).
ALTER TABLE guild_settings ADD COLUMN dms INTEGER NOT NULL DEFAULT 1;
