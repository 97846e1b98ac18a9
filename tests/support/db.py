"""Look at the database file the way another process would: a separate sqlite3 connection."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

from storage.postgres import PostgresStorage


def query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return list(db.execute(sql, params))


def count_rows(path: Path, table: str) -> int:
    return int(query(path, f"SELECT count(*) FROM {table}")[0][0])


class WriteLockHolder:
    """Another connection (another process, say) holding SQLite's write lock until told."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.taken = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, name="write-lock-holder")

    def _hold(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            self.taken.set()
            # A bound, not a pause: the test releases the lock long before this.
            self.release.wait(timeout=60)
            conn.execute("COMMIT")
        finally:
            conn.close()

    def __enter__(self) -> WriteLockHolder:
        self.thread.start()
        assert self.taken.wait(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(timeout=10)


async def rows(storage: Any, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
    """A statement's rows, read through the storage's own connection, on either backend
    (the statement in the SQL both share; `storage.pg_sql` translates it for PostgreSQL)."""
    found = await storage._read(lambda conn: conn.execute(sql, params).fetchall())
    return [tuple(row) for row in found]


async def count(storage: Any, table: str) -> int:
    return int((await rows(storage, f"SELECT count(*) FROM {table}"))[0][0])


class WriteInFlight:
    """A backfill another process is writing: begun, its reading inserted (its triggers have
    run; with `joining`, its member's first, in that server), not yet committed. On
    PostgreSQL it takes its member's lock first, as every write of a member's readings does
    there (`PostgresStorage._job`)."""

    def __init__(
        self, storage: Any, user_id: int, guild_id: int, taken_at: int, *, joining: bool = False
    ) -> None:
        self.storage = storage
        self.postgres = isinstance(storage, PostgresStorage)
        self.row = (user_id, taken_at, guild_id)
        self.joining = joining  # a new member's first reading, in that server

    async def __aenter__(self) -> WriteInFlight:
        user, at, guild = self.row
        statements = [
            f"INSERT INTO members (user_id, created_at) VALUES ({user}, 0)",
            "INSERT INTO member_guilds (guild_id, user_id, first_logged_at)"
            f" VALUES ({guild}, {user}, 0)",
        ]
        del statements[: 0 if self.joining else 2]
        statements.append(
            "INSERT INTO readings (user_id, platform, taken_at, followers, following, source,"
            f" guild_id, logged_at) VALUES ({user}, 'tiktok', {at}, 1, 1, 'self_reported',"
            f" {guild}, 0)"
        )
        if self.postgres:
            self._pool = self.storage.connection()
            self.conn = await self._pool.__aenter__()
            self._tx = self.conn.transaction()
            await self._tx.start()
            await self.conn.execute("SELECT pg_advisory_xact_lock($1)", user)
            for statement in statements:
                await self.conn.execute(statement)
        else:
            self.conn = sqlite3.connect(self.storage.path, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
            for statement in statements:
                self.conn.execute(statement)
        return self

    async def waiting(self, task: asyncio.Task[int]) -> None:
        """Until `task` waits for this write (or is done, if nothing made it wait)."""
        for _ in range(5_000):
            if task.done():
                return
            waits = "SELECT count(*) FROM pg_locks WHERE NOT granted"
            if self.postgres and await self.conn.fetchval(waits):
                return
            await asyncio.sleep(0)  # a turn of the loop for the task, not a pause

    async def __aexit__(self, *exc: object) -> None:
        if self.postgres:
            await self._tx.commit()
            await self._pool.__aexit__(None, None, None)
        else:
            self.conn.execute("COMMIT")
            self.conn.close()
