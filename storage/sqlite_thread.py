"""Run one function in an aiosqlite connection's own worker thread: one trip for a whole job.

aiosqlite sends each statement to its worker thread separately, so a transaction of N
statements costs N trips between the event loop and that thread. A function run *in* the
thread does the whole transaction in one trip, and the thread serialises it with every other
use of the connection, so no asyncio lock is needed around it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar, cast

import aiosqlite

T = TypeVar("T")


async def run_in_thread(db: aiosqlite.Connection, job: Callable[[sqlite3.Connection], T]) -> T:
    """`job(connection)` in `db`'s worker thread, with its result or exception returned here.

    aiosqlite 0.22 has no public API for this; `Connection._execute` queues a callable on the
    worker thread, which is what every public method does. This is the one place that uses
    it (aiosqlite is pinned below 0.23 for it; tests/storage/test_sqlite_thread.py checks it).
    `job` must not block on the event loop, and must finish its own transaction.
    """

    def in_thread() -> T:
        return job(db._conn)

    return cast(T, await db._execute(in_thread))  # type: ignore[no-untyped-call]


def in_snapshot(job: Callable[[sqlite3.Connection], T], conn: sqlite3.Connection) -> T:
    """`job(conn)` in a read transaction of its own: every statement sees one snapshot."""
    conn.execute("BEGIN")
    try:
        return job(conn)
    finally:
        conn.execute("COMMIT")
