"""Interactions whose writes are stored, so one delivered to two processes is stored once.

Discord sends each interaction to the process on the server's shard; two processes started
on the same shards by mistake both get it. The write that stores what it asked for records
its id first, in the same transaction: the second process finds it there and stores
nothing (`storage.ports.HandledElsewhere`).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.sqlite_rows import ts


def first_sight(conn: sqlite3.Connection, interaction_id: int | None, now: datetime) -> bool:
    """Record the interaction; False when it was recorded already (handled elsewhere)."""
    if interaction_id is None:
        return True
    recorded = conn.execute(
        "INSERT INTO interactions_seen (id, seen_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
        (interaction_id, ts(now)),
    )
    return recorded.rowcount == 1


def prune(conn: sqlite3.Connection, before: datetime) -> int:
    """Forget interactions seen before `before`; how many."""
    return conn.execute("DELETE FROM interactions_seen WHERE seen_at < ?", (ts(before),)).rowcount
