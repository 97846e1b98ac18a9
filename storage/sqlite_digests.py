"""SQLite for the weekly digest: its data, and the durable claim; part of `SQLiteStorage`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestMember
from bot.domain.models import Platform
from storage.schedules import DigestData, DigestRun, OpenClaims, RunState, open_claims
from storage.sqlite_goals import guild_goals
from storage.sqlite_posts import member_posts
from storage.sqlite_rows import (
    READING_COLUMNS,
    fetch_all,
    maybe_instant,
    readings,
    run_job,
    ts,
    zone,
)

_READING = ", ".join("r." + c.strip() for c in READING_COLUMNS.split(","))
_PLATFORMS = " UNION ALL ".join(f"SELECT '{platform.value}' AS platform" for platform in Platform)
# The older readings a week's figures reach back to, beside those from :full on, each by an
# index seek: each member's last one on each platform (what growth, drops and the chart start
# from), and each goal's first reading that reached it (a goal reached long ago is not
# announced again).
_REACHED_BACK = f"""
UNION
SELECT {_READING} FROM member_guilds g CROSS JOIN ({_PLATFORMS}) p
JOIN readings r ON r.id = (
    SELECT x.id FROM readings x
    WHERE x.user_id = g.user_id AND x.platform = p.platform
      AND x.taken_at > :since AND x.taken_at <= :full
    ORDER BY x.taken_at DESC, x.id DESC LIMIT 1)
WHERE g.guild_id = :guild
UNION
SELECT {_READING} FROM member_guilds g JOIN goals gl ON gl.user_id = g.user_id
JOIN readings r ON r.id = (
    SELECT x.id FROM readings x
    WHERE x.user_id = gl.user_id AND x.platform = gl.platform AND x.taken_at >= gl.set_at
      AND x.followers >= gl.followers AND x.taken_at > :since AND x.taken_at <= :full
    ORDER BY x.taken_at, x.id LIMIT 1)
WHERE g.guild_id = :guild
"""
# When each reading in the window was taken, one row per member: a year of instants for the
# logging streak, read from the index alone and sent as one text each.
_TAKEN = """
SELECT g.user_id, group_concat(r.taken_at || '') FROM member_guilds g
JOIN readings r ON r.user_id = g.user_id
WHERE g.guild_id = ? AND r.taken_at > ? AND r.taken_at <= ?
GROUP BY g.user_id
"""

_RUN = (
    "state, pages_posted, message_ids, late, reason, attempts, updated_at, channel_id, generation"
)


def _run(row: Sequence[Any]) -> DigestRun:
    state, pages, message_ids, late, reason, attempts, updated_at, channel_id, generation = row
    return DigestRun(
        state=RunState(state),
        pages_posted=pages,
        message_ids=[int(m) for m in json.loads(message_ids)],
        late=bool(late),
        reason=reason,
        attempts=attempts,
        updated_at=maybe_instant(updated_at),
        channel_id=channel_id,
        generation=generation,
    )


class SQLiteDigests:
    """Digest data and claims, run in `SQLiteStorage`'s transactions."""

    _transaction: Callable[..., AbstractAsyncContextManager[Any]]

    # ---- digests ---------------------------------------------------------------------------

    async def digest_data(
        self,
        guild_id: int,
        tz: ZoneInfo,
        since: datetime,
        until: datetime,
        *,
        full_since: datetime | None = None,
    ) -> DigestData:
        full = since if full_since is None else max(since, full_since)
        async with self._transaction(write=False) as db:
            members = await fetch_all(
                db,
                """
                SELECT g.user_id, COALESCE(g.display_name, ''), m.timezone, m.mentions,
                       g.first_logged_at, m.hidden
                FROM member_guilds g JOIN members m ON m.user_id = g.user_id
                WHERE g.guild_id = ? ORDER BY g.user_id
                """,
                (guild_id,),
            )
            found = await fetch_all(
                db,
                f"""
                SELECT {_READING} FROM member_guilds g JOIN readings r ON r.user_id = g.user_id
                WHERE g.guild_id = :guild AND r.taken_at > :full AND r.taken_at <= :until
                {_REACHED_BACK if full_since is not None else ""}
                ORDER BY 2, 3, 4, 1
                """,
                {"guild": guild_id, "since": ts(since), "full": ts(full), "until": ts(until)},
            )
            taken: dict[int, list[int]] | None = None
            if full_since is not None:
                found_taken = await fetch_all(db, _TAKEN, (guild_id, ts(since), ts(until)))
                taken = {user: [int(at) for at in text.split(",")] for user, text in found_taken}
            posts = await run_job(
                db,
                lambda conn: member_posts(
                    conn,
                    "SELECT user_id FROM member_guilds WHERE guild_id = :guild",
                    {"guild": guild_id},
                    since,
                    until,
                ),
            )
            goals = await run_job(db, lambda conn: guild_goals(conn, guild_id))
        return DigestData(
            members=[
                DigestMember(
                    user_id,
                    name,
                    zone(own_tz) if own_tz else tz,
                    bool(mentions),
                    maybe_instant(since),
                    hidden=bool(hidden),
                )
                for user_id, name, own_tz, mentions, since, hidden in members
            ],
            readings=readings(found),
            posts=posts,
            goals=goals,
            taken=taken,
        )

    async def claim_digest(
        self,
        guild_id: int,
        week: date,
        *,
        owner: str,
        now: datetime,
        lease_until: datetime,
        force: bool = False,
    ) -> DigestRun | None:
        # Taking over keeps the pages already posted (the retry continues after them); a
        # forced claim starts over. Nobody takes a claim whose lease is still running.
        takeover = (
            "digest_runs.state <> 'claimed' OR digest_runs.lease_until < :now"
            if force
            else "digest_runs.state = 'claimed' AND digest_runs.lease_until < :now"
        )
        restart = (
            ", pages_posted = 0, message_ids = '[]', reason = NULL,"
            " generation = digest_runs.generation"
            " + CASE WHEN digest_runs.state = 'posted' THEN 1 ELSE 0 END"
            if force
            else ""
        )
        async with self._transaction(write=True) as db:
            rows = await fetch_all(
                db,
                f"""
                INSERT INTO digest_runs (guild_id, week, state, owner, lease_until, attempts,
                                         created_at, updated_at)
                VALUES (:guild, :week, 'claimed', :owner, :lease, 1, :now, :now)
                ON CONFLICT (guild_id, week) DO UPDATE SET
                    state = 'claimed', owner = :owner, lease_until = :lease,
                    attempts = digest_runs.attempts + 1, updated_at = :now {restart}
                WHERE {takeover}
                RETURNING {_RUN}
                """,
                {
                    "guild": guild_id,
                    "week": week.isoformat(),
                    "owner": owner,
                    "lease": ts(lease_until),
                    "now": ts(now),
                },
            )
        return _run(rows[0]) if rows else None

    async def digest_page_posted(
        self,
        guild_id: int,
        week: date,
        *,
        owner: str,
        message_id: int,
        now: datetime,
        lease_until: datetime,
        channel_id: int | None = None,
    ) -> bool:
        async with self._transaction(write=True) as db:
            rows = await fetch_all(
                db,
                """
                UPDATE digest_runs SET pages_posted = pages_posted + 1,
                    message_ids = json_insert(message_ids, '$[#]', ?),
                    lease_until = ?, updated_at = ?, channel_id = COALESCE(?, channel_id)
                WHERE guild_id = ? AND week = ? AND owner = ? AND state = 'claimed'
                RETURNING 1
                """,
                (
                    str(message_id),
                    ts(lease_until),
                    ts(now),
                    channel_id,
                    guild_id,
                    week.isoformat(),
                    owner,
                ),
            )
        return bool(rows)

    async def digest_claims(self, now: datetime) -> OpenClaims[tuple[int, date]]:
        async with self._transaction(write=False) as db:
            rows = await fetch_all(
                db,
                "SELECT guild_id, week, lease_until FROM digest_runs"
                " WHERE state = 'claimed' ORDER BY lease_until",
            )
        return open_claims(
            [((guild_id, date.fromisoformat(week)), lease) for guild_id, week, lease in rows], now
        )

    async def holds_claims(self, owner: str) -> bool:
        async with self._transaction(write=False) as db:
            rows = await fetch_all(
                db,
                "SELECT EXISTS (SELECT 1 FROM digest_runs WHERE owner = :o AND state = 'claimed')"
                " OR EXISTS (SELECT 1 FROM reminders_sent WHERE owner = :o AND via = 'pending')",
                {"o": owner},
            )
        return bool(rows[0][0])

    async def release_claims(self, owner: str, *, now: datetime) -> int:
        async with self._transaction(write=True) as db:
            digests = await fetch_all(
                db,
                "UPDATE digest_runs SET lease_until = 0, updated_at = ?"
                " WHERE owner = ? AND state = 'claimed' RETURNING 1",
                (ts(now), owner),
            )
            reminders = await fetch_all(
                db,
                "UPDATE reminders_sent SET lease_until = 0"
                " WHERE owner = ? AND via = 'pending' RETURNING 1",
                (owner,),
            )
        return len(digests) + len(reminders)

    async def finish_digest(
        self,
        guild_id: int,
        week: date,
        *,
        owner: str,
        state: RunState,
        now: datetime,
        late: bool = False,
        reason: str | None = None,
    ) -> bool:
        async with self._transaction(write=True) as db:
            rows = await fetch_all(
                db,
                """
                UPDATE digest_runs SET state = ?, late = ?, reason = ?, owner = NULL,
                    lease_until = NULL, updated_at = ?
                WHERE guild_id = ? AND week = ? AND owner = ? AND state = 'claimed'
                RETURNING 1
                """,
                (state.value, int(late), reason, ts(now), guild_id, week.isoformat(), owner),
            )
        return bool(rows)

    async def skip_digest(self, guild_id: int, week: date, *, reason: str, now: datetime) -> bool:
        async with self._transaction(write=True) as db:
            rows = await fetch_all(
                db,
                """
                INSERT INTO digest_runs (guild_id, week, state, reason, created_at, updated_at)
                VALUES (?, ?, 'skipped', ?, ?, ?)
                ON CONFLICT (guild_id, week) DO NOTHING
                RETURNING 1
                """,
                (guild_id, week.isoformat(), reason, ts(now), ts(now)),
            )
        return bool(rows)

    async def digest_run(self, guild_id: int, week: date) -> DigestRun | None:
        async with self._transaction(write=False) as db:
            rows = await fetch_all(
                db,
                f"SELECT {_RUN} FROM digest_runs WHERE guild_id = ? AND week = ?",
                (guild_id, week.isoformat()),
            )
        return _run(rows[0]) if rows else None
