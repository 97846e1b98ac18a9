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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import TypeVar

import aiosqlite

from storage.checks import check_database_file, switch_to_wal
from storage.migrate import load_migrations, migrate
from storage.ports import OnSlow
from storage.sql_storage import Job, SQLStorage
from storage.sqlite_thread import in_snapshot, run_in_thread
from storage.sqlite_writer import GroupWriter

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
READ_WAIT_MS = 2_000

T = TypeVar("T")


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


class SQLiteStorage(SQLStorage):
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
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            # IMMEDIATE takes the write lock up front, so a writer never fails half-way
            # on a lock upgrade while another process writes.
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await asyncio.shield(self._db.execute("ROLLBACK"))
                raise
            await asyncio.shield(self._db.execute("COMMIT"))

    async def _lookup(self, job: Job[T]) -> T:
        # A read snapshot on its own connection, whole in one trip: it never queues behind
        # a write, nor behind the commands' reads.
        async with self._lookup_lock:
            return await run_in_thread(self._lookups, partial(in_snapshot, job))

    async def _write(
        self,
        job: Job[T],
        on_slow: OnSlow | None,
        *,
        member: int | None = None,
        durable: bool = True,
    ) -> T:
        # One writer: jobs never overlap.
        return await self._writes.write(job, on_slow, durable=durable)

    async def _read(self, job: Job[T]) -> T:
        return await run_in_thread(self._reader, job)
