"""SQLite for follower goals (`/goal`): each job runs whole in a connection's worker thread,
the writes inside the writer's transaction (`storage.sqlite_writer`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain.goals import Goal
from bot.domain.models import Platform
from storage.ports import GoalRules, GoalSet
from storage.sqlite_profile import join, profile
from storage.sqlite_rows import READING_COLUMNS, instant, platform_of, reading, ts

GOAL_COLUMNS = "user_id, platform, followers, set_at"


def goal(row: Sequence[Any]) -> Goal:
    user_id, platform, followers, set_at = row
    return Goal(user_id, platform_of(platform), followers, instant(set_at))


def member_goals(conn: sqlite3.Connection, user_id: int) -> list[Goal]:
    rows = conn.execute(
        f"SELECT {GOAL_COLUMNS} FROM goals WHERE user_id = ? ORDER BY platform", (user_id,)
    )
    return [goal(row) for row in rows]


def goal_on(conn: sqlite3.Connection, user_id: int, platform: Platform) -> Goal | None:
    row = conn.execute(
        f"SELECT {GOAL_COLUMNS} FROM goals WHERE user_id = ? AND platform = ?",
        (user_id, platform.value),
    ).fetchone()
    return None if row is None else goal(row)


def guild_goals(conn: sqlite3.Connection, guild_id: int) -> list[Goal]:
    """The goals of every member who logged in the server."""
    rows = conn.execute(
        f"""
        SELECT {", ".join("g." + c.strip() for c in GOAL_COLUMNS.split(","))}
        FROM member_guilds m JOIN goals g ON g.user_id = m.user_id
        WHERE m.guild_id = ? ORDER BY g.user_id, g.platform
        """,
        (guild_id,),
    )
    return [goal(row) for row in rows]


def set_goal(
    conn: sqlite3.Connection,
    user_id: int,
    guild_id: int | None,
    followers: int,
    now: datetime,
    rules: GoalRules,
) -> GoalSet:
    """The whole of /goal in its write transaction: read the member, check, write."""
    member = profile(conn, user_id, guild_id, platform_to_show=False)
    platform = rules.platform(member)
    row = conn.execute(
        f"SELECT {READING_COLUMNS} FROM readings WHERE user_id = ? AND platform = ?"
        " AND taken_at <= ? ORDER BY taken_at DESC, id DESC LIMIT 1",
        (user_id, platform.value, ts(now)),
    ).fetchone()
    latest = None if row is None else reading(row)
    rules.check(platform, latest)  # raises to store nothing
    # A goal is not logging in a server: the member is recorded, the server is not joined.
    join(conn, member, guild_id=None, display_name=None, now=now)
    conn.execute(
        "INSERT INTO goals (user_id, platform, followers, set_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id, platform) DO UPDATE SET"
        " followers = excluded.followers, set_at = excluded.set_at",
        (user_id, platform.value, followers, ts(now)),
    )
    return GoalSet(Goal(user_id, platform, followers, instant(ts(now))), latest)


def clear_goals(conn: sqlite3.Connection, user_id: int, platform: Platform | None) -> list[Goal]:
    """Remove the member's goal on `platform`, or every goal of theirs; what was removed."""
    which = "" if platform is None else " AND platform = ?"
    rows = conn.execute(
        f"DELETE FROM goals WHERE user_id = ?{which} RETURNING {GOAL_COLUMNS}",
        (user_id,) if platform is None else (user_id, platform.value),
    ).fetchall()
    return sorted((goal(row) for row in rows), key=lambda g: g.platform.value)
