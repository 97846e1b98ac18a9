"""SQLite for `/forget`: what NetGain keeps about a member, and removing it.

Every table that holds a member's user id is named here. `tests/storage/test_forget.py` walks
every table and column of the schema after a member is forgotten, so a new table that holds
user ids fails that test until it is added here.
"""

from __future__ import annotations

import sqlite3

from storage.ports_own_data import Footprint, MemberData
from storage.sqlite_goals import member_goals
from storage.sqlite_posts import POST_COLUMNS, post
from storage.sqlite_rows import READING_COLUMNS
from storage.sqlite_rows import readings as readings_of

# Everything about a member, everywhere: (table, the column holding their user id).
_EVERYTHING = (
    ("readings", "user_id"),
    ("posts", "user_id"),
    ("goals", "user_id"),
    ("member_guilds", "user_id"),
    ("reminders_sent", "user_id"),
    ("members", "user_id"),
)


def footprint(conn: sqlite3.Connection, user_id: int, guild_id: int | None) -> Footprint:
    """What NetGain keeps about the member, and whether they logged in `guild_id`."""
    (readings, posts, goals, servers, here, settings) = conn.execute(
        """
        SELECT (SELECT count(*) FROM readings WHERE user_id = :user),
               (SELECT count(*) FROM posts WHERE user_id = :user),
               (SELECT count(*) FROM goals WHERE user_id = :user),
               (SELECT count(*) FROM member_guilds WHERE user_id = :user),
               EXISTS (SELECT 1 FROM member_guilds WHERE user_id = :user AND guild_id = :guild),
               EXISTS (SELECT 1 FROM members WHERE user_id = :user)
        """,
        {"user": user_id, "guild": guild_id},
    ).fetchone()
    return Footprint(readings, posts, goals, servers, bool(here), bool(settings))


def forget(conn: sqlite3.Connection, user_id: int, guild_id: int | None) -> Footprint:
    """Remove every row about the member (`guild_id` None), or only their presence in one
    server; what there was. Runs inside the writer's transaction: all or nothing."""
    found = footprint(conn, user_id, guild_id)
    if guild_id is not None:
        conn.execute(
            "DELETE FROM member_guilds WHERE user_id = ? AND guild_id = ?", (user_id, guild_id)
        )
        return found
    for table, column in _EVERYTHING:
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (user_id,))
    return found


def member_data(conn: sqlite3.Connection, user_id: int) -> MemberData:
    """Everything of the member's for `/export`, oldest first, in one read snapshot."""
    conn.execute("BEGIN")
    try:
        readings = readings_of(
            conn.execute(
                f"SELECT {READING_COLUMNS} FROM readings WHERE user_id = ?"
                " ORDER BY platform, taken_at, id",
                (user_id,),
            ).fetchall()
        )
        posts = [
            post(row)
            for row in conn.execute(
                f"SELECT {POST_COLUMNS} FROM posts p WHERE p.user_id = ?"
                " ORDER BY p.platform, p.posted_at, p.id",
                (user_id,),
            )
        ]
        goals = member_goals(conn, user_id)
    finally:
        conn.execute("COMMIT")
    return MemberData(readings=readings, posts=posts, goals=goals)


def forget_guild(conn: sqlite3.Connection, guild_id: int) -> None:
    """A server removed NetGain: drop its settings, its unfinished digest claims and its kept
    chart weeks. Members' readings stay theirs, and who logged there is kept, so a server that
    invites NetGain back finds its members as they were."""
    conn.execute("DELETE FROM guild_settings WHERE guild_id = ?", (guild_id,))
    conn.execute("DELETE FROM digest_runs WHERE guild_id = ? AND state = 'claimed'", (guild_id,))
    conn.execute("DELETE FROM chart_weeks WHERE guild_id = ?", (guild_id,))
