"""The weekly digest's data, read in one job: a server's members, and of their readings only
what the digest's figures need, mostly as one row per member (part of `SQLiteDigests`).

On both backends: the SQL is the subset SQLite and PostgreSQL share (`storage.pg_sql`).
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any, cast
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestMember
from bot.domain.series import CommunityWeek, Trace
from bot.domain.streaks import StreakBase
from storage.schedules import ChartWeek, DigestData, KeptStreak, StoredStreak
from storage.sqlite_goals import guild_goals
from storage.sqlite_posts import member_posts
from storage.sqlite_rows import (
    READING_COLUMNS,
    in_batches,
    instant,
    maybe_instant,
    readings,
    ts,
    zone,
)

_READING = ", ".join("r." + c.strip() for c in READING_COLUMNS.split(","))


# The members, and the streak base kept for each in the zone their weeks are counted in here.
_MEMBERS = """
SELECT g.user_id, COALESCE(g.display_name, ''), m.timezone, m.mentions, g.first_logged_at,
       m.hidden, COALESCE(m.timezone, :zone), m.readings_version, b.horizon, b.run,
       b.held_before, b.settled_before
FROM member_guilds g JOIN members m ON m.user_id = g.user_id
LEFT JOIN streak_bases b ON b.user_id = g.user_id AND b.zone = COALESCE(m.timezone, :zone)
WHERE g.guild_id = :guild ORDER BY g.user_id
"""
# The chart's weeks kept in the server's zone, from :chart on, that had ended by :until.
_CHART = """
SELECT monday, starts_at, ends_at, logged, followers FROM chart_weeks
WHERE guild_id = :guild AND zone = :zone AND starts_at >= :chart AND ends_at <= :until
ORDER BY starts_at
"""
# Those taken from :full on. Through each platform the member has readings on, so the readings
# index is searched by instant, not scanned.
_READINGS = f"""
SELECT {_READING} FROM member_guilds g JOIN member_platforms p ON p.user_id = g.user_id
JOIN readings r ON r.user_id = g.user_id AND r.platform = p.platform
WHERE g.guild_id = :guild AND r.taken_at >= :full AND r.taken_at <= :until
"""
# Each goal's first reading that reached it, before :full (a goal reached long ago is not
# announced again).
_GOALS_REACHED = """
SELECT (
    SELECT x.id FROM readings x
    WHERE x.user_id = gl.user_id AND x.platform = gl.platform AND x.taken_at >= gl.set_at
      AND x.followers >= gl.followers AND x.taken_at < :full
    ORDER BY x.taken_at, x.id LIMIT 1)
FROM member_guilds g JOIN goals gl ON gl.user_id = g.user_id
WHERE g.guild_id = :guild
"""
_BY_ID = f"SELECT {READING_COLUMNS} FROM readings WHERE id IN ({{ids}}) ORDER BY 2, 3, 4, 1"
# The readings of the chart, the streaks and the week's own figures, whole: each member's on
# each platform from :chart on, and those at the last instant before :before (the chart's
# first week not kept, which adds up the counts as of then) when that is earlier. In order.
# Plain rows: cheaper to hand over than aggregated texts. Ordered by g's member, not p's:
# SQLite then sees the order the joins walk in, and sorts nothing.
_TRACES = f"""
SELECT {_READING}
FROM member_guilds g JOIN member_platforms p ON p.user_id = g.user_id
JOIN readings r ON r.user_id = p.user_id AND r.platform = p.platform
    AND r.taken_at >= COALESCE((
        SELECT last.taken_at FROM (
            SELECT x.taken_at FROM readings x
            WHERE x.user_id = p.user_id AND x.platform = p.platform AND x.taken_at < :before
            ORDER BY x.taken_at DESC LIMIT 1) AS last
        WHERE last.taken_at < :chart), :chart)
    AND r.taken_at <= :until
WHERE g.guild_id = :guild
ORDER BY g.user_id, p.platform, r.taken_at, r.id
"""
# When each of some members' readings was taken, one text per member.
_INSTANTS = """
SELECT user_id, group_concat(taken_at || '') FROM readings
WHERE user_id IN ({members}) AND taken_at <= ? GROUP BY user_id
"""
# Bases (user, zone, horizon, settled before, run, held before, version), each counted from
# the member's readings as they were at its version: kept unless they changed since, or a
# later base is kept. `WHERE true` tells SQLite the join's ON from the upsert's.
_KEEP = """
INSERT INTO streak_bases (user_id, zone, horizon, settled_before, run, held_before)
SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6
FROM (VALUES {values}) AS v
JOIN members m ON m.user_id = v.column1 AND m.readings_version = v.column7
WHERE true
ON CONFLICT (user_id, zone) DO UPDATE SET
    horizon = excluded.horizon, settled_before = excluded.settled_before, run = excluded.run,
    held_before = excluded.held_before
WHERE excluded.settled_before > streak_bases.settled_before
"""
_ROSTER = """
SELECT g.user_id, m.readings_version FROM member_guilds g JOIN members m ON m.user_id = g.user_id
WHERE g.guild_id = ?
"""
# A reading row's member and platform, instant and follower count (`READING_COLUMNS`).
_MEMBER_PLATFORM = itemgetter(1, 2)
_TAKEN_AT = itemgetter(3)
_FOLLOWERS = itemgetter(4)
_ORDER = itemgetter(1, 2, 3, 0)
_KEEP_WEEKS = """
INSERT INTO chart_weeks (guild_id, zone, monday, starts_at, ends_at, logged, followers)
VALUES {values}
ON CONFLICT (guild_id, zone, monday) DO UPDATE SET
    starts_at = excluded.starts_at, ends_at = excluded.ends_at, logged = excluded.logged,
    followers = excluded.followers
"""


def _narrowed(
    conn: sqlite3.Connection, params: dict[str, Any]
) -> tuple[list[Trace], list[Sequence[Any]]]:
    """The traces, and the whole readings the week's figures need: from the traces (which
    hold every reading from :chart on, and on each platform those at the last instant before
    :before, which is not after :full) the week's own and the last before it; and each goal's
    first reaching, by id."""
    traces: list[Trace] = []
    found: list[Sequence[Any]] = []
    full = params["full"]
    rows = conn.execute(_TRACES, params).fetchall()
    if rows:
        # Instants and counts as columns, cut at each member's and platform's rows: slices,
        # not a list per row.
        instants = tuple(map(_TAKEN_AT, rows))
        followers = tuple(map(_FOLLOWERS, rows))
        low = 0
        for (user_id, _), group in groupby(rows, _MEMBER_PLATFORM):
            high = low + len(list(group))
            at = instants[low:high]
            traces.append(Trace(user_id, at, followers[low:high]))
            # The readings from :full on, and the last one before.
            found += rows[low + max(bisect_left(at, full) - 1, 0) : high]
            low = high
    reached = {i for (i,) in conn.execute(_GOALS_REACHED, params).fetchall() if i is not None}
    if reached:
        reached.difference_update(row[0] for row in found)
        if reached:
            sql = _BY_ID.format(ids=", ".join("?" * len(reached)))
            found = sorted([*found, *conn.execute(sql, sorted(reached)).fetchall()], key=_ORDER)
    return traces, found


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
    # Whole readings from :full on (the window's own start is not part of it), or picked from
    # the chart's traces, which also hold what the week's figures need.
    full = since if full_since is None else max(since, full_since)
    chart = full if chart_since is None else max(since, min(chart_since, full))
    params: dict[str, Any] = {
        "guild": guild_id,
        "zone": tz.key,
        "full": ts(full) + (1 if full_since is None else 0),
        "chart": ts(chart),
        "until": ts(until),
    }
    members = conn.execute(_MEMBERS, params).fetchall()
    traces = None
    kept: list[ChartWeek] = []
    if full_since is None:
        found = conn.execute(f"{_READINGS} ORDER BY 2, 3, 4, 1", params).fetchall()
    else:
        kept = _kept_weeks(conn, params)
        # The traces hold every reading from where the kept weeks end, or from where a kept
        # streak base needs its readings (where it splits the history: `settled_before`),
        # whichever is earlier; never before the chart, never after :full. Of the readings
        # before, only the chart needs those at the last instant before its first week not
        # kept (:before): a streak counted on a base needs none.
        needs = [row[-1] for row in members if row[-1] is not None]
        reach = max(params["chart"], min(needs)) if needs else params["full"]
        params["before"] = min(ts(kept[-1].end) if kept else params["chart"], ts(full))
        params["chart"] = min(params["before"], reach)
        traces, found = _narrowed(conn, params)
    members_here = "SELECT user_id FROM member_guilds WHERE guild_id = :guild"
    people, streaks = _members(members, tz)
    return DigestData(
        members=people,
        readings=readings(found),
        posts=member_posts(conn, members_here, {"guild": guild_id}, since, until),
        goals=guild_goals(conn, guild_id),
        traces=traces,
        traces_since=None if traces is None else instant(params["chart"]),
        streaks=streaks,
        chart=kept,
    )


def _members(
    rows: Iterable[Sequence[Any]], tz: ZoneInfo
) -> tuple[list[DigestMember], dict[int, StoredStreak]]:
    """`_MEMBERS`'s rows as the digest's members and their kept streaks. Members mostly share
    a zone and a base's horizon: each zone and base is made once."""
    zones: dict[str | None, ZoneInfo] = {None: tz, "": tz}
    bases: dict[tuple[str, int, int], StreakBase] = {}
    people: list[DigestMember] = []
    streaks: dict[int, StoredStreak] = {}
    for (
        user_id,
        name,
        own_tz,
        mentions,
        first,
        hidden,
        streak_zone,
        version,
        horizon,
        run,
        held_before,
        _,
    ) in rows:
        member_tz = zones.get(own_tz)
        if member_tz is None:
            member_tz = zones[own_tz] = zone(own_tz)
        people.append(
            DigestMember(
                user_id, name, member_tz, bool(mentions), maybe_instant(first), hidden=bool(hidden)
            )
        )
        base = None
        if horizon is not None:
            key = (horizon, run, held_before)
            base = bases.get(key)
            if base is None:
                base = bases[key] = StreakBase(date.fromisoformat(horizon), run, bool(held_before))
        streaks[user_id] = StoredStreak(streak_zone, version, base)
    return people, streaks


def _kept_weeks(conn: sqlite3.Connection, params: dict[str, Any]) -> list[ChartWeek]:
    """The kept chart weeks from :chart on, as long as each starts where the one before
    ends."""
    kept: list[ChartWeek] = []
    expected = params["chart"]
    for monday, starts_at, ends_at, logged, followers in conn.execute(_CHART, params):
        if starts_at != expected:
            break
        week = CommunityWeek(date.fromisoformat(monday), logged, followers)
        kept.append(ChartWeek(week, instant(starts_at), instant(ends_at)))
        expected = ends_at
    return kept


def streak_instants(
    conn: sqlite3.Connection, user_ids: Sequence[int], until: datetime
) -> dict[int, list[int]]:
    """`DigestsPort.streak_instants`."""
    if not user_ids:
        return {}
    sql = _INSTANTS.format(members=", ".join("?" * len(user_ids)))
    return {
        user: [int(at) for at in text.split(",")]
        for user, text in conn.execute(sql, (*user_ids, ts(until))).fetchall()
    }


def _hold(conn: sqlite3.Connection, user_ids: Iterable[int], *, roster: bool = False) -> None:
    """Wait for the writes in flight to these members' readings, and hold off new ones until
    this transaction ends (with `roster`, members joining or leaving a server too): what is
    kept is then checked against readings no write is changing, and a later write's triggers
    see it. Only PostgreSQL runs writes side by side, each holding its member's lock
    (`PostgresStorage._job`); SQLite's one writer runs this transaction alone."""
    if isinstance(cast(object, conn), sqlite3.Connection):  # else PostgreSQL's PgConnection
        return
    ids = ", ".join(str(int(user_id)) for user_id in sorted(set(user_ids)))
    if ids:
        conn.execute(
            "SELECT count(pg_advisory_xact_lock_shared(u))"
            f" FROM unnest(ARRAY[{ids}]::bigint[]) AS u"
        )
    if roster:
        conn.execute("LOCK TABLE member_guilds IN SHARE MODE")


def keep_streak_bases(conn: sqlite3.Connection, kept: Sequence[KeptStreak]) -> int:
    """`DigestsPort.keep_streak_bases`."""
    _hold(conn, (one.user_id for one in kept))
    # Bases mostly share a horizon and its instant: each is put in storage's terms once.
    stored: dict[tuple[date, datetime], tuple[str, int]] = {}
    rows = []
    for one in kept:
        base = one.base
        key = (base.horizon, one.settled_before)
        terms = stored.get(key)
        if terms is None:
            terms = stored[key] = (key[0].isoformat(), ts(key[1]))
        horizon, settled_before = terms
        rows.append(
            (
                one.user_id,
                one.zone,
                horizon,
                settled_before,
                base.run,
                int(base.held_before),
                one.version,
            )
        )
    return sum(
        conn.execute(_KEEP.format(values=values), params).rowcount
        for values, params in in_batches(rows)
    )


def keep_chart_weeks(
    conn: sqlite3.Connection,
    guild_id: int,
    zone: str,
    weeks: Sequence[ChartWeek],
    versions: Mapping[int, int],
    since: datetime,
) -> int:
    """`DigestsPort.keep_chart_weeks`."""
    _hold(conn, versions, roster=True)
    if dict(conn.execute(_ROSTER, (guild_id,)).fetchall()) != versions:
        return 0  # a member's readings, or who is in the server, changed since
    conn.execute(
        "DELETE FROM chart_weeks WHERE guild_id = ? AND (zone <> ? OR starts_at < ?)",
        (guild_id, zone, ts(since)),
    )
    rows = [
        (
            guild_id,
            zone,
            one.week.monday.isoformat(),
            ts(one.start),
            ts(one.end),
            one.week.logged,
            one.week.followers,
        )
        for one in weeks
    ]
    for values, params in in_batches(rows):
        conn.execute(_KEEP_WEEKS.format(values=values), params)
    return len(weeks)
