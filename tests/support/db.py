"""Look at the database file the way another process would: a separate sqlite3 connection."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any


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
