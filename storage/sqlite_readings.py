"""SQLite for readings and member profiles: each job runs whole in a connection's worker
thread (`storage.sqlite_thread.run_in_thread`); the write jobs inside the transaction that
`SQLiteStorage._write` opens and commits.

Only SQL and row mapping: what to store, and whether, is the use case's (`LogRules`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from bot.domain.models import MemberProfile, Platform, Reading, ReadingDraft
from storage.ports import (
    HandledElsewhere,
    LogRules,
    MemberReadings,
    ReadingChanges,
    Stored,
    Surroundings,
)
from storage.sqlite_goals import goal_on
from storage.sqlite_interactions import first_sight
from storage.sqlite_posts import last_posts, posted_instants
from storage.sqlite_profile import join, profile
from storage.sqlite_rows import READING_COLUMNS, instant, reading, readings, ts

RefusalT = TypeVar("RefusalT")

_MINE = "FROM readings WHERE user_id = :user AND platform = :platform"
_LAST = "ORDER BY taken_at DESC, id DESC LIMIT 1"
_FIRST = "ORDER BY taken_at, id LIMIT 1"

# One statement for everything /log looks at around a new reading, each row tagged and
# followed by when it was written. Each part is one seek in `readings_by_time`: the repeat
# is looked for only among readings dated near this one, so a long history costs nothing.
# "The last at or before now" is "the last at or before this one" unless it is a backfill.
_COLUMNS = f"{READING_COLUMNS}, logged_at"
_SURROUNDINGS = f"""
SELECT 'before', * FROM (SELECT {_COLUMNS} {_MINE} AND taken_at <= :at {_LAST}) AS x
UNION ALL
SELECT 'after', * FROM (SELECT {_COLUMNS} {_MINE} AND taken_at > :at {_FIRST}) AS x
UNION ALL
SELECT 'week_before', * FROM (SELECT {_COLUMNS} {_MINE} AND taken_at < :week {_LAST}) AS x
UNION ALL
SELECT 'week_first', * FROM (SELECT {_COLUMNS} {_MINE} AND taken_at >= :week {_FIRST}) AS x
UNION ALL
SELECT 'latest', * FROM (
    SELECT {_COLUMNS} {_MINE} AND taken_at <= :now AND :at <> :now {_LAST}) AS x
UNION ALL
SELECT 'repeat', * FROM (
    SELECT {_COLUMNS} {_MINE}
    AND taken_at BETWEEN :at - :within AND :at + :within
    AND followers = :followers AND following IS :following AND logged_at >= :since
    ORDER BY abs(taken_at - :at), id DESC LIMIT 1) AS x
"""

# No RETURNING: SQLite buffers returned rows in a temporary table first, which costs more
# than the insert itself; the stored row is exactly what was bound, so it is built here.
_INSERT = """
INSERT INTO readings (user_id, platform, taken_at, followers, following, source,
                      likes, posts, gained, lost, note, guild_id, logged_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def _surroundings(
    conn: sqlite3.Connection,
    draft: ReadingDraft,
    found: MemberProfile,
    rules: LogRules[Any],
    now: datetime,
) -> Surroundings:
    placement = rules.place(found)
    at, now_ts = ts(placement.taken_at), ts(now)
    rows = conn.execute(
        _SURROUNDINGS,
        {
            "user": draft.user_id,
            "platform": placement.platform.value,
            "at": at,
            "week": ts(placement.week_start),
            "now": now_ts,
            "followers": draft.followers,
            "following": draft.following,
            "since": ts(placement.repeat_since),
            "within": int(placement.repeat_within.total_seconds()),
        },
    ).fetchall()
    # The parts often find the same reading: each is turned into a `Reading` once.
    by_id: dict[int, Reading] = {}
    tagged: dict[str, Reading] = {}
    written: dict[str, int] = {}
    for tag, *columns, logged_at in rows:
        found_id = columns[0]
        if found_id not in by_id:
            by_id[found_id] = reading(columns)
        tagged[tag], written[tag] = by_id[found_id], logged_at
    before = tagged.get("before")
    return Surroundings(
        profile=found,
        placement=placement,
        before=before,
        after=tagged.get("after"),
        week_before=tagged.get("week_before"),
        week_first=tagged.get("week_first"),
        latest=tagged.get("latest") if at != now_ts else before,
        repeat=tagged.get("repeat"),
        repeat_logged_at=instant(written["repeat"]) if "repeat" in written else None,
    )


def log_reading(
    conn: sqlite3.Connection, draft: ReadingDraft, now: datetime, rules: LogRules[RefusalT]
) -> Stored | RefusalT | HandledElsewhere:
    """The whole of /log in its write transaction: read, let `rules` decide, write."""
    if not first_sight(conn, draft.interaction_id, now):
        return HandledElsewhere(draft.interaction_id or 0)
    found = _surroundings(
        conn,
        draft,
        profile(conn, draft.user_id, draft.guild_id, platform_to_show=False),
        rules,
        now,
    )
    refusal = rules.check(found)
    if refusal is not None:
        return refusal  # nothing written
    join(conn, found.profile, guild_id=draft.guild_id, display_name=draft.display_name, now=now)
    stored = (
        draft.user_id,
        found.placement.platform.value,
        ts(found.placement.taken_at),
        draft.followers,
        draft.following,
        draft.source.value,
        draft.profile_likes,
        draft.profile_posts,
        draft.gained,
        draft.lost,
        draft.note,
        draft.guild_id,
    )
    row_id = conn.execute(_INSERT, (*stored, ts(now))).lastrowid
    return Stored(reading=reading((row_id, *stored)), found=found)


def member_readings(
    conn: sqlite3.Connection,
    user_id: int,
    guild_id: int | None,
    platform: Platform | None,
    since: Callable[[ZoneInfo], datetime | None],
    now: datetime,
) -> MemberReadings:
    """One read snapshot: the member's profile and readings from `since` on, plus the one
    just before."""
    conn.execute("BEGIN")
    try:
        found = profile(conn, user_id, guild_id, platform_to_show=platform is None)
        shown = found.platform_to_show(platform)
        start = since(found.timezone)
        params: dict[str, Any] = {"user": user_id, "platform": shown.value}
        if start is None:
            sql = f"SELECT {READING_COLUMNS} {_MINE} ORDER BY taken_at, id"
        else:
            params["since"] = ts(start)
            sql = f"""
                SELECT * FROM (SELECT {READING_COLUMNS} {_MINE} AND taken_at < :since {_LAST}) AS x
                UNION ALL
                SELECT {READING_COLUMNS} {_MINE} AND taken_at >= :since
                ORDER BY taken_at, id
            """
        found_readings = readings(conn.execute(sql, params).fetchall())
        taken = [
            instant(at)
            for (at,) in conn.execute(
                "SELECT taken_at FROM readings WHERE user_id = ? ORDER BY taken_at", (user_id,)
            )
        ]
        posts = last_posts(conn, user_id, shown)
        posted = posted_instants(conn, user_id)
        goal = goal_on(conn, user_id, shown)
        latest = latest_per_platform(conn, user_id, ts(now)) if platform is None else []
    finally:
        conn.execute("COMMIT")
    return MemberReadings(
        profile=found,
        platform=shown,
        readings=found_readings,
        taken=taken,
        posts=posts,
        posted=posted,
        goal=goal,
        latest=latest,
    )


def newest_reading(conn: sqlite3.Connection, user_id: int) -> Reading | None:
    row = conn.execute(
        f"SELECT {READING_COLUMNS} FROM readings WHERE user_id = ? {_LAST}", (user_id,)
    ).fetchone()
    return reading(row) if row else None


def delete_reading(conn: sqlite3.Connection, user_id: int, reading_id: int) -> bool:
    return (
        conn.execute(
            "DELETE FROM readings WHERE id = ? AND user_id = ? RETURNING id", (reading_id, user_id)
        ).fetchone()
        is not None
    )


def recent_readings(conn: sqlite3.Connection, user_id: int, limit: int) -> list[Reading]:
    """The member's newest readings by date, on every platform, newest first."""
    rows = conn.execute(
        f"SELECT {READING_COLUMNS} FROM readings WHERE user_id = ?"
        f" ORDER BY taken_at DESC, id DESC LIMIT ?",
        (user_id, limit),
    ).fetchall()
    return readings(rows)


def readings_between(
    conn: sqlite3.Connection, user_id: int, start: datetime, end: datetime
) -> list[Reading]:
    rows = conn.execute(
        f"SELECT {READING_COLUMNS} FROM readings WHERE user_id = ? AND taken_at >= ?"
        " AND taken_at < ? ORDER BY taken_at, id",
        (user_id, ts(start), ts(end)),
    ).fetchall()
    return readings(rows)


def reading_by_id(conn: sqlite3.Connection, user_id: int, reading_id: int) -> Reading | None:
    row = conn.execute(
        f"SELECT {READING_COLUMNS} FROM readings WHERE id = ? AND user_id = ?",
        (reading_id, user_id),
    ).fetchone()
    return reading(row) if row else None


def correct_reading(
    conn: sqlite3.Connection, user_id: int, reading_id: int, changes: ReadingChanges
) -> Reading | None:
    """Apply `changes` to one of the member's readings; None if it is gone."""
    row = conn.execute(
        f"""
        UPDATE readings SET followers = coalesce(:followers, followers),
            following = coalesce(:following, following),
            note = CASE WHEN :set_note = 1 THEN :note ELSE note END
        WHERE id = :id AND user_id = :user
        RETURNING {READING_COLUMNS}
        """,
        {
            "followers": changes.followers,
            "following": changes.following,
            "set_note": changes.note is not None,
            "note": changes.note or None,
            "id": reading_id,
            "user": user_id,
        },
    ).fetchone()
    return reading(row) if row else None


def latest_per_platform(conn: sqlite3.Connection, user_id: int, now: int) -> list[Reading]:
    """The member's latest reading on each platform (at or before `now`), by platform."""
    rows = conn.execute(
        f"""
        SELECT {READING_COLUMNS} FROM (
            SELECT *, ROW_NUMBER() OVER (
                PARTITION BY platform ORDER BY taken_at DESC, id DESC) AS newest
            FROM readings WHERE user_id = ? AND taken_at <= ?) AS x
        WHERE newest = 1 ORDER BY platform
        """,
        (user_id, now),
    ).fetchall()
    return readings(rows)
