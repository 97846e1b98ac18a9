"""The adapter that runs a whole job in aiosqlite's worker thread."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import aiosqlite
import pytest

from storage.sqlite_thread import run_in_thread


async def test_a_job_runs_in_the_connections_own_thread_with_its_connection(
    db_path: Path,
) -> None:
    db = await aiosqlite.connect(db_path, isolation_level=None)
    try:

        def job(conn: sqlite3.Connection) -> tuple[int | None, int]:
            conn.execute("CREATE TABLE t (x)")
            conn.execute("INSERT INTO t VALUES (42)")
            (value,) = conn.execute("SELECT x FROM t").fetchone()
            return threading.get_ident(), value

        ident, value = await run_in_thread(db, job)
        assert value == 42
        assert ident == db._thread.ident
        assert ident != threading.get_ident()
        # The same connection: what the job did is visible to the public API.
        assert list(await db.execute_fetchall("SELECT x FROM t")) == [(42,)]
    finally:
        await db.close()


async def test_an_error_in_the_job_reaches_the_caller(db_path: Path) -> None:
    db = await aiosqlite.connect(db_path, isolation_level=None)
    try:

        def job(conn: sqlite3.Connection) -> None:
            conn.execute("SELECT * FROM missing")

        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await run_in_thread(db, job)
        assert list(await db.execute_fetchall("SELECT 1")) == [(1,)]
    finally:
        await db.close()
