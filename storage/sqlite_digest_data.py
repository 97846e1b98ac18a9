"""The weekly digest's data, read in one job: a server's members, and of their readings only
what the digest's figures need, mostly as one row per member (part of `SQLiteDigests`).

On both backends: the SQL is the subset SQLite and PostgreSQL share (`storage.pg_sql`).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestMember
from bot.domain.models import Platform
from bot.domain.series import Trace
from storage.schedules import DigestData
from storage.sqlite_goals import guild_goals
from storage.sqlite_posts import member_posts
from storage.sqlite_rows import READING_COLUMNS, maybe_instant, readings, ts, zone

_READING = ", ".join("r." + c.strip() for c in READING_COLUMNS.split(","))
_PLATFORMS = " UNION ALL ".join(f"SELECT '{platform.value}' AS platform" for platform in Platform)


def _last_each(columns: str, at: str) -> str:
    """Each member's last reading on each platform up to `:at` (and after :since), by an index
    seek per member and platform."""
    return f"""
    SELECT {columns} FROM member_guilds g CROSS JOIN ({_PLATFORMS}) p
    JOIN readings r ON r.id = (
        SELECT x.id FROM readings x
        WHERE x.user_id = g.user_id AND x.platform = p.platform
          AND x.taken_at > :since AND x.taken_at <= {at}
        ORDER BY x.taken_at DESC, x.id DESC LIMIT 1)
    WHERE g.guild_id = :guild
    """


_MEMBERS = """
SELECT g.user_id, COALESCE(g.display_name, ''), m.timezone, m.mentions, g.first_logged_at,
       m.hidden
FROM member_guilds g JOIN members m ON m.user_id = g.user_id
WHERE g.guild_id = ? ORDER BY g.user_id
"""
# Through each platform, so the readings index is searched by instant, not scanned.
_READINGS = f"""
SELECT {_READING} FROM member_guilds g CROSS JOIN ({_PLATFORMS}) p
JOIN readings r ON r.user_id = g.user_id AND r.platform = p.platform
WHERE g.guild_id = :guild AND r.taken_at > :full AND r.taken_at <= :until
"""
# The older readings a week's figures reach back to, beside those from :full on: each
# member's last one on each platform (what growth and drops start from), and each goal's
# first reading that reached it (a goal reached long ago is not announced again).
_REACHED_BACK = f"""
UNION {_last_each(_READING, ":full")}
UNION
SELECT {_READING} FROM member_guilds g JOIN goals gl ON gl.user_id = g.user_id
JOIN readings r ON r.id = (
    SELECT x.id FROM readings x
    WHERE x.user_id = gl.user_id AND x.platform = gl.platform AND x.taken_at >= gl.set_at
      AND x.followers >= gl.followers AND x.taken_at > :since AND x.taken_at <= :full
    ORDER BY x.taken_at, x.id LIMIT 1)
WHERE g.guild_id = :guild
"""
# The chart's follower counts, one row per member and platform: each reading from :chart on,
# and the last one before, as "instant:id:followers" texts (in no set order).
_TRACES = f"""
SELECT user_id, platform, group_concat(taken_at || ':' || id || ':' || followers) FROM (
    SELECT r.user_id, r.platform, r.id, r.taken_at, r.followers
    FROM member_guilds g CROSS JOIN ({_PLATFORMS}) p
    JOIN readings r ON r.user_id = g.user_id AND r.platform = p.platform
    WHERE g.guild_id = :guild AND r.taken_at > :chart AND r.taken_at <= :until
    UNION ALL {_last_each("r.user_id, r.platform, r.id, r.taken_at, r.followers", ":chart")}
) AS t GROUP BY user_id, platform
"""
_NUMBERS = re.compile("[:,]")
# When each reading in the window was taken, one row per member: a year of instants for the
# logging streak, read from the index alone and sent as one text each.
_TAKEN = """
SELECT g.user_id, group_concat(r.taken_at || '') FROM member_guilds g
JOIN readings r ON r.user_id = g.user_id
WHERE g.guild_id = :guild AND r.taken_at > :since AND r.taken_at <= :until
GROUP BY g.user_id
"""


def _trace(user_id: int, text: str) -> Trace:
    numbers = iter(map(int, _NUMBERS.split(text)))
    ordered = sorted(zip(numbers, numbers, numbers, strict=True))  # by instant, then id
    return Trace(user_id, [at for at, _, _ in ordered], [count for _, _, count in ordered])


def digest_data(
    conn: sqlite3.Connection,
    guild_id: int,
    tz: ZoneInfo,
    since: datetime,
    until: datetime,
    full_since: datetime | None,
    chart_since: datetime | None,
) -> DigestData:
    """`DigestsPort.digest_data`, run whole in the transaction's thread: one trip."""
    narrow = full_since is not None
    params = {
        "guild": guild_id,
        "since": ts(since),
        "full": ts(max(since, full_since) if full_since else since),
        "chart": ts(max(since, chart_since) if chart_since else since),
        "until": ts(until),
    }
    members = conn.execute(_MEMBERS, (guild_id,)).fetchall()
    reached_back = _REACHED_BACK if narrow else ""
    found = conn.execute(f"{_READINGS} {reached_back} ORDER BY 2, 3, 4, 1", params).fetchall()
    taken = None
    if narrow:
        taken = {
            user: [int(at) for at in text.split(",")]
            for user, text in conn.execute(_TAKEN, params).fetchall()
        }
    traces = None
    if narrow and chart_since is not None:
        traces = [_trace(user, text) for user, _, text in conn.execute(_TRACES, params).fetchall()]
    members_here = "SELECT user_id FROM member_guilds WHERE guild_id = :guild"
    return DigestData(
        members=[
            DigestMember(
                user_id,
                name,
                zone(own_tz) if own_tz else tz,
                bool(mentions),
                maybe_instant(first),
                hidden=bool(hidden),
            )
            for user_id, name, own_tz, mentions, first, hidden in members
        ],
        readings=readings(found),
        posts=member_posts(conn, members_here, {"guild": guild_id}, since, until),
        goals=guild_goals(conn, guild_id),
        taken=taken,
        traces=traces,
    )
