"""The SQLite backend, through aiosqlite: one file, nothing to install.

Three connections per process, each with its own worker thread, all in autocommit mode:

- the *writer*: readings are written by one job each, run whole in its thread and committed
  in groups (`storage.sqlite_writer`); the thread serialises them, so no asyncio lock is held;
- the *reader*, read-only: /net, /history and /undo's look-up read a WAL snapshot through
  it and never wait for a writer, in this process or another;
- the *lookups* connection, read-only: the multi-statement reads of settings, digests and
  reminders, under an asyncio lock of its own, so a read never waits behind a write;
- the connection of the multi-statement writes of the scheduled work (digest claims,
  reminders), where an asyncio lock keeps two jobs from interleaving statements.

Settings a command changes (`/setup`, `/me`) are written through the writer like readings,
so a write held up by another connection's lock defers the command instead of missing
Discord's 3-second deadline.

WAL lets readers work while one connection writes; a writer waits its turn for the write
lock (`storage.sqlite_writer.WRITE_WAIT`) instead of failing.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import aiosqlite

from bot.domain.goals import Goal
from bot.domain.imports import Parsed
from bot.domain.models import Platform, PostDraft, Reading, ReadingDraft
from storage import sqlite_forget as forget_sql
from storage import sqlite_goals as goals_sql
from storage import sqlite_import as import_sql
from storage import sqlite_posts as posts_sql
from storage import sqlite_readings as sql
from storage.base import Storage
from storage.checks import check_database_file, switch_to_wal
from storage.migrate import load_migrations, migrate
from storage.ports import (
    GoalRules,
    GoalSet,
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
from storage.sqlite_settings import SQLiteSettings
from storage.sqlite_thread import run_in_thread
from storage.sqlite_writer import GroupWriter

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
READ_WAIT_MS = 2_000

RefusalT = TypeVar("RefusalT")


async def _writes_safely(conn: aiosqlite.Connection) -> None:
    """What every connection that writes needs."""
    await conn.execute("PRAGMA foreign_keys = ON")
    # FULL: a reading acknowledged to a member survives a power cut, not only a crash.
    await conn.execute("PRAGMA synchronous = FULL")


async def _open_writer(path: Path) -> aiosqlite.Connection:
    """The connection readings and settings are written through, on a migrated database."""
    writer = await aiosqlite.connect(path, isolation_level=None)
    try:
        await _writes_safely(writer)
    except BaseException:
        await writer.close()
        raise
    return writer


async def _open_read_only(path: Path) -> aiosqlite.Connection:
    """A connection that only reads WAL snapshots: it never waits for a writer."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await conn.execute("PRAGMA query_only = ON")
        await conn.execute(f"PRAGMA busy_timeout = {READ_WAIT_MS}")
    except BaseException:
        await conn.close()
        raise
    return conn


class SQLiteStorage(SQLiteSettings, SQLiteDigests, SQLiteReminders, Storage[aiosqlite.Connection]):
    def __init__(
        self,
        db: aiosqlite.Connection,
        path: Path,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        lookups: aiosqlite.Connection,
    ) -> None:
        self._db = db
        self.path = path
        self._lock = asyncio.Lock()
        self._writes = GroupWriter(writer)
        self._reader = reader
        self._lookups = lookups
        self._lookup_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> SQLiteStorage:
        """Open (creating if needed) the database file and apply pending migrations."""
        migrations = load_migrations()
        # Before anything writes to it: a file that is not NetGain's stays as it was.
        await asyncio.to_thread(check_database_file, path, migrations)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None)
        opened: list[aiosqlite.Connection] = []  # the writer, the reader, the lookups
        try:
            mode = await switch_to_wal(db)
            if mode.lower() != "wal":
                log.warning("SQLite could not use WAL on %s (mode %s)", path, mode)
            await _writes_safely(db)
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = await migrate(db, migrations)
            opened.append(await _open_writer(path))
            opened.append(await _open_read_only(path))
            opened.append(await _open_read_only(path))
        except BaseException:
            for conn in (db, *opened):
                await conn.close()
            raise
        log.info("Storage ready: %s (schema version %d)", path, version)
        writer, reader, lookups = opened
        return cls(db, path, writer, reader, lookups)

    async def close(self) -> None:
        await self._reader.close()
        async with self._lookup_lock:
            await self._lookups.close()
        await self._writes.close()
        async with self._lock:
            await self._db.close()

    @asynccontextmanager
    async def _transaction(self, *, write: bool) -> AsyncIterator[aiosqlite.Connection]:
        if not write:
            # A read snapshot on its own connection: it never queues behind a write.
            async with self._lookup_lock:
                await self._lookups.execute("BEGIN")
                try:
                    yield self._lookups
                finally:
                    await asyncio.shield(self._lookups.execute("COMMIT"))
            return
        async with self._lock:
            # IMMEDIATE takes the write lock up front, so a writer never fails half-way
            # on a lock upgrade while another process writes.
            await self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield self._db
            except BaseException:
                await asyncio.shield(self._db.execute("ROLLBACK"))
                raise
            await asyncio.shield(self._db.execute("COMMIT"))

    async def _write_one(self, statement: str, params: Any, on_slow: OnSlow | None) -> None:
        """One statement, committed through the writer like a reading."""
        await self._writes.write(lambda conn: conn.execute(statement, params).close(), on_slow)

    # ---- readings: one trip to a database thread each --------------------------------------

    async def log_reading(
        self,
        draft: ReadingDraft,
        *,
        now: datetime,
        rules: LogRules[RefusalT],
        on_slow: OnSlow | None = None,
    ) -> Stored | RefusalT:
        return await self._writes.write(
            lambda conn: sql.log_reading(conn, draft, now, rules), on_slow
        )

    async def delete_reading(
        self, user_id: int, reading_id: int, *, on_slow: OnSlow | None = None
    ) -> bool:
        return await self._writes.write(
            lambda conn: sql.delete_reading(conn, user_id, reading_id), on_slow
        )

    async def log_post(
        self,
        draft: PostDraft,
        *,
        now: datetime,
        rules: PostRules[RefusalT],
        on_slow: OnSlow | None = None,
    ) -> PostStored | RefusalT:
        return await self._writes.write(
            lambda conn: posts_sql.log_post(conn, draft, now, rules), on_slow
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
        return await self._writes.write(
            lambda conn: goals_sql.set_goal(conn, user_id, guild_id, followers, now, rules),
            on_slow,
        )

    async def clear_goals(
        self, user_id: int, platform: Platform | None, *, on_slow: OnSlow | None = None
    ) -> list[Goal]:
        return await self._writes.write(
            lambda conn: goals_sql.clear_goals(conn, user_id, platform), on_slow
        )

    async def member_data(self, user_id: int) -> MemberData:
        return await run_in_thread(self._reader, lambda conn: forget_sql.member_data(conn, user_id))

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
            return await self._writes.write(job, on_slow)
        return await run_in_thread(self._reader, job)

    async def forget_guild(self, guild_id: int) -> None:
        await self._writes.write(lambda conn: forget_sql.forget_guild(conn, guild_id), None)

    async def footprint(self, user_id: int, guild_id: int | None) -> Footprint:
        return await run_in_thread(
            self._reader, lambda conn: forget_sql.footprint(conn, user_id, guild_id)
        )

    async def forget(
        self, user_id: int, guild_id: int | None, *, on_slow: OnSlow | None = None
    ) -> Footprint:
        return await self._writes.write(
            lambda conn: forget_sql.forget(conn, user_id, guild_id), on_slow
        )

    async def goals(self, user_id: int) -> list[Goal]:
        return await run_in_thread(self._reader, lambda conn: goals_sql.member_goals(conn, user_id))

    async def recent_readings_of(self, user_id: int, limit: int) -> list[Reading]:
        return await run_in_thread(
            self._reader, lambda conn: sql.recent_readings(conn, user_id, limit)
        )

    async def readings_between(self, user_id: int, start: datetime, end: datetime) -> list[Reading]:
        return await run_in_thread(
            self._reader, lambda conn: sql.readings_between(conn, user_id, start, end)
        )

    async def reading_of(self, user_id: int, reading_id: int) -> Reading | None:
        return await run_in_thread(
            self._reader, lambda conn: sql.reading_by_id(conn, user_id, reading_id)
        )

    async def correct_reading(
        self,
        user_id: int,
        reading_id: int,
        changes: ReadingChanges,
        *,
        on_slow: OnSlow | None = None,
    ) -> Reading | None:
        return await self._writes.write(
            lambda conn: sql.correct_reading(conn, user_id, reading_id, changes), on_slow
        )

    async def newest_reading(self, user_id: int) -> Reading | None:
        return await run_in_thread(self._reader, lambda conn: sql.newest_reading(conn, user_id))

    async def member_readings(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        platform: Platform | None,
        since: Callable[[ZoneInfo], datetime | None],
        now: datetime,
    ) -> MemberReadings:
        return await run_in_thread(
            self._reader,
            lambda conn: sql.member_readings(conn, user_id, guild_id, platform, since, now),
        )

    # ---- single statements -----------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        async with self._transaction(write=False) as tx:
            rows = list(
                await tx.execute_fetchall("SELECT value FROM bot_state WHERE key = ?", (key,))
            )
        return str(rows[0][0]) if rows else None

    async def set_state(self, key: str, value: str) -> None:
        async with self._transaction(write=True) as tx:
            await tx.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
