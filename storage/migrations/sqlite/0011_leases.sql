-- Short leases several processes take turns on: one command sync at a time, and IDENTIFYs
-- paced per Discord's max_concurrency. A lease is free once `lease_until` has passed.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    lease_until INTEGER NOT NULL                -- unix seconds, UTC
);
