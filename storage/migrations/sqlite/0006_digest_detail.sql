-- How much of the member list the digest posts: the top movers ('top') or everyone ('all').
ALTER TABLE guild_settings ADD COLUMN digest_detail TEXT NOT NULL DEFAULT 'top'
    CHECK (digest_detail IN ('top', 'all'));
