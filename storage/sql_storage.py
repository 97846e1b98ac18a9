"""What both backends share: every port, on four primitives each backend provides.

The SQL itself is written once, in the subset SQLite and PostgreSQL share, in the `sqlite_*`
modules: whole jobs over a DB-API connection (`job(conn)`: `conn.execute(sql, params)`), run
by `_write` (in a write transaction, committed before it returns) and `_read` (in a read
snapshot); and short async transactions (`_transaction`) for the scheduled work. SQLite runs
them on its own connections' threads (`storage.sqlite`), PostgreSQL through asyncpg with the
statements translated (`storage.postgres`, `storage.pg_sql`).
"""

from __future__ import annotations

import sqlite3
from abc import abstractmethod
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from bot.domain.goals import Goal
from bot.domain.imports import Parsed
from bot.domain.models import Platform, PostDraft, Reading, ReadingDraft
from storage import sqlite_forget as forget_sql
from storage import sqlite_goals as goals_sql
from storage import sqlite_import as import_sql
from storage import sqlite_interactions as interactions_sql
from storage import sqlite_posts as posts_sql
from storage import sqlite_readings as sql
from storage.base import Storage
from storage.ports import (
    GoalRules,
    GoalSet,
    HandledElsewhere,
    LogRules,
    MemberReadings,
    OnSlow,
    PostRules,
    PostStored,
    ReadingChanges,
    Stored,
)
from storage.ports_own_data import Footprint, ImportCounts, MemberData
from storage.sqlite_digests import SQLiteDigests
from storage.sqlite_reminders import SQLiteReminders
from storage.sqlite_rows import all_rows, fetch_all, ts
from storage.sqlite_settings import SQLiteSettings

T = TypeVar("T")
RefusalT = TypeVar("RefusalT")
Job = Callable[[sqlite3.Connection], T]


class SQLStorage(SQLiteSettings, SQLiteDigests, SQLiteReminders, Storage[Any]):
    """Every port, over `_write`, `_read`, `_lookup`, `_write_one` and `_transaction`."""

    @abstractmethod
    async def _read(self, job: Job[T]) -> T:
        """`job` in a read snapshot that never waits for a writer."""

    @abstractmethod
    def _transaction(self) -> AbstractAsyncContextManager[Any]:
        """A short write transaction for the scheduled work (`fetch_all(db, ...)`,
        `db.execute`)."""

    async def _write_one(self, statement: str, params: Any, on_slow: OnSlow | None) -> None:
        """One statement, committed through the writer like a reading."""
        await self._write(lambda conn: conn.execute(statement, params).close(), on_slow)

    # ---- readings: one trip to a database thread each --------------------------------------

    async def log_reading(
        self,
        draft: ReadingDraft,
        *,
        now: datetime,
        rules: LogRules[RefusalT],
        on_slow: OnSlow | None = None,
    ) -> Stored | RefusalT | HandledElsewhere:
        return await self._write(
            lambda conn: sql.log_reading(conn, draft, now, rules), on_slow, member=draft.user_id
        )

    async def delete_reading(
        self, user_id: int, reading_id: int, *, on_slow: OnSlow | None = None
    ) -> bool:
        return await self._write(
            lambda conn: sql.delete_reading(conn, user_id, reading_id), on_slow, member=user_id
        )

    async def log_post(
        self,
        draft: PostDraft,
        *,
        now: datetime,
        rules: PostRules[RefusalT],
        on_slow: OnSlow | None = None,
    ) -> PostStored | RefusalT | HandledElsewhere:
        return await self._write(
            lambda conn: posts_sql.log_post(conn, draft, now, rules), on_slow, member=draft.user_id
        )

    async def set_goal(
        self,
        user_id: int,
        guild_id: int | None,
        followers: int,
        *,
        now: datetime,
        rules: GoalRules,
        on_slow: OnSlow | None = None,
    ) -> GoalSet:
        return await self._write(
            lambda conn: goals_sql.set_goal(conn, user_id, guild_id, followers, now, rules),
            on_slow,
            member=user_id,
        )

    async def clear_goals(
        self, user_id: int, platform: Platform | None, *, on_slow: OnSlow | None = None
    ) -> list[Goal]:
        return await self._write(
            lambda conn: goals_sql.clear_goals(conn, user_id, platform), on_slow, member=user_id
        )

    async def member_data(self, user_id: int) -> MemberData:
        return await self._read(lambda conn: forget_sql.member_data(conn, user_id))

    async def import_history(
        self,
        user_id: int,
        guild_id: int | None,
        display_name: str | None,
        parsed: Parsed,
        *,
        now: datetime,
        write: bool,
        on_slow: OnSlow | None = None,
    ) -> ImportCounts:
        def job(conn: sqlite3.Connection) -> ImportCounts:
            return import_sql.import_history(
                conn, user_id, guild_id, display_name, parsed, now, write=write
            )

        if write:
            return await self._write(job, on_slow, member=user_id)
        return await self._read(job)

    async def forget_guild(self, guild_id: int) -> None:
        await self._write(lambda conn: forget_sql.forget_guild(conn, guild_id), None)

    async def footprint(self, user_id: int, guild_id: int | None) -> Footprint:
        return await self._read(lambda conn: forget_sql.footprint(conn, user_id, guild_id))

    async def forget(
        self, user_id: int, guild_id: int | None, *, on_slow: OnSlow | None = None
    ) -> Footprint:
        return await self._write(
            lambda conn: forget_sql.forget(conn, user_id, guild_id), on_slow, member=user_id
        )

    async def goals(self, user_id: int) -> list[Goal]:
        return await self._read(lambda conn: goals_sql.member_goals(conn, user_id))

    async def recent_readings_of(self, user_id: int, limit: int) -> list[Reading]:
        return await self._read(lambda conn: sql.recent_readings(conn, user_id, limit))

    async def readings_between(self, user_id: int, start: datetime, end: datetime) -> list[Reading]:
        return await self._read(lambda conn: sql.readings_between(conn, user_id, start, end))

    async def reading_of(self, user_id: int, reading_id: int) -> Reading | None:
        return await self._read(lambda conn: sql.reading_by_id(conn, user_id, reading_id))

    async def correct_reading(
        self,
        user_id: int,
        reading_id: int,
        changes: ReadingChanges,
        *,
        on_slow: OnSlow | None = None,
    ) -> Reading | None:
        return await self._write(
            lambda conn: sql.correct_reading(conn, user_id, reading_id, changes),
            on_slow,
            member=user_id,
        )

    async def newest_reading(self, user_id: int) -> Reading | None:
        return await self._read(lambda conn: sql.newest_reading(conn, user_id))

    async def member_readings(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        platform: Platform | None,
        since: Callable[[ZoneInfo], datetime | None],
        now: datetime,
    ) -> MemberReadings:
        return await self._read(
            lambda conn: sql.member_readings(conn, user_id, guild_id, platform, since, now),
        )

    async def take_lease(self, name: str, owner: str, *, now: datetime, until: datetime) -> bool:
        async with self._transaction() as db:
            rows = await fetch_all(
                db,
                """
                INSERT INTO leases (name, owner, lease_until) VALUES (:name, :owner, :until)
                ON CONFLICT (name) DO UPDATE SET owner = :owner, lease_until = :until
                WHERE leases.lease_until <= :now
                RETURNING 1
                """,
                {"name": name, "owner": owner, "until": ts(until), "now": ts(now)},
            )
        return bool(rows)

    async def drop_lease(self, name: str, owner: str) -> None:
        async with self._transaction() as db:
            await db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))

    async def prune_interactions(self, before: datetime) -> int:
        return await self._write(lambda conn: interactions_sql.prune(conn, before), None)

    # ---- single statements -----------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        rows = await self._lookup(all_rows("SELECT value FROM bot_state WHERE key = ?", (key,)))
        return str(rows[0][0]) if rows else None

    async def set_state(self, key: str, value: str) -> None:
        async with self._transaction() as tx:
            await tx.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
