"""SQLite for the weekly digest: its data (`storage.sqlite_digest_data`), and the durable
claim; part of `SQLiteStorage`."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from storage import sqlite_digest_data as digest_rows
from storage.schedules import (
    ChartWeek,
    DigestData,
    DigestRun,
    KeptStreak,
    OpenClaims,
    RunState,
    open_claims,
)
from storage.sqlite_rows import (
    Jobs,
    all_rows,
    fetch_all,
    maybe_instant,
    ts,
)

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


class SQLiteDigests(Jobs):
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
        chart_since: datetime | None = None,
    ) -> DigestData:
        return await self._lookup(
            lambda conn: digest_rows.digest_data(
                conn, guild_id, tz, since, until, full_since, chart_since
            ),
        )

    async def streak_instants(
        self, user_ids: Sequence[int], until: datetime
    ) -> dict[int, list[int]]:
        return await self._lookup(lambda conn: digest_rows.streak_instants(conn, user_ids, until))

    async def keep_streak_bases(self, kept: Sequence[KeptStreak]) -> int:
        return await self._write(
            lambda conn: digest_rows.keep_streak_bases(conn, kept), None, durable=False
        )

    async def keep_chart_weeks(
        self,
        guild_id: int,
        zone: str,
        weeks: Sequence[ChartWeek],
        *,
        versions: Mapping[int, int],
        since: datetime,
    ) -> int:
        return await self._write(
            lambda conn: digest_rows.keep_chart_weeks(conn, guild_id, zone, weeks, versions, since),
            None,
            durable=False,
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
        async with self._transaction() as db:
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
        async with self._transaction() as db:
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
        rows = await self._lookup(
            all_rows(
                "SELECT guild_id, week, lease_until FROM digest_runs"
                " WHERE state = 'claimed' ORDER BY lease_until",
            )
        )
        return open_claims(
            [((guild_id, date.fromisoformat(week)), lease) for guild_id, week, lease in rows], now
        )

    async def holds_claims(self, owner: str) -> bool:
        rows = await self._lookup(
            all_rows(
                "SELECT EXISTS (SELECT 1 FROM digest_runs WHERE owner = :o AND state = 'claimed')"
                " OR EXISTS (SELECT 1 FROM reminders_sent WHERE owner = :o AND via = 'pending')",
                {"o": owner},
            )
        )
        return bool(rows[0][0])

    async def release_claims(self, owner: str, *, now: datetime) -> int:
        async with self._transaction() as db:
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
        async with self._transaction() as db:
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
        async with self._transaction() as db:
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
        rows = await self._lookup(
            all_rows(
                f"SELECT {_RUN} FROM digest_runs WHERE guild_id = ? AND week = ?",
                (guild_id, week.isoformat()),
            )
        )
        return _run(rows[0]) if rows else None
