"""Writes through one connection's worker thread: committed in groups, never stuck long.

Each write is a job run whole in the writer's thread (`run_in_thread`). Jobs asked for while
a trip is under way go together in the next trip, in one transaction, each inside its own
savepoint (a job that fails is rolled back alone) and committed once: with
`synchronous=FULL`, one sync to disk for the group rather than one per job, and one hand-over
between the threads. A job's result reaches its caller only after that commit.

While another connection holds the write lock, a trip waits for it only until the next
turning point of one of its jobs: `SLOW_WRITE` after the job was asked (its caller is then
told, once, through `on_slow`), then every `WRITE_SLICE`, until `WRITE_WAIT`, when the job
fails. So the thread is never held long, and jobs queued behind a waiting one report in
time too. Times are on the real monotonic clock: SQLite waits in real time whatever clock
the event loop runs on (SimCord's is virtual, and cannot move while a command waits on
this thread).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from dataclasses import field
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar, cast

import aiosqlite

from bot.domain.records import record
from storage.ports import SLOW_WRITE, OnSlow
from storage.sqlite_thread import run_in_thread

T = TypeVar("T")
Job = Callable[[sqlite3.Connection], Any]

# Discord takes follow-ups to an interaction for 15 minutes: a write that waited 10 still
# leaves its command time to answer (the reply, or an apology). Each write counts from when
# it was asked, so writes queued behind one another do not add up.
WRITE_WAIT = timedelta(minutes=10)
# Once its caller was told the write is slow, how long each further trip waits for the lock.
WRITE_SLICE = timedelta(seconds=1)
# Most jobs in one trip, so one group never keeps the others waiting long.
MAX_GROUP = 100
# SQLite's busy wait may end a little before its timeout.
_TOLERANCE = 0.05


class _Busy:
    """The write lock stayed held up to the job's turning point: nothing was done."""


_BUSY = _Busy()


@record
class _Asked:
    job: Job
    asked: float  # time.perf_counter() when the caller asked
    report_at: float | None  # seconds after `asked` to report a wait; None once reported
    future: asyncio.Future[Any] = field(compare=False)
    durable: bool = True  # False: a shortcut, committed without waiting for the disk


def _turning_point(entry: _Asked, waited: float) -> float:
    """Seconds after `entry.asked` until which its trip may wait for the lock."""
    if entry.report_at is not None:
        return max(entry.report_at, waited)  # report on time, or at once if already late
    return min(waited + WRITE_SLICE.total_seconds(), WRITE_WAIT.total_seconds())


def _run_group(entries: list[_Asked], conn: sqlite3.Connection) -> list[tuple[str, Any]]:
    """One trip, in the writer's thread: every job in one transaction, committed once."""
    started = time.perf_counter()
    wait = min(_turning_point(e, started - e.asked) - (started - e.asked) for e in entries)
    conn.execute(f"PRAGMA busy_timeout = {max(int(wait * 1000), 0)}")
    # A group of shortcuts only commits without a sync; any other write in it syncs them all.
    # (SQLite takes the level only outside a transaction; in WAL mode a later sync covers
    # what came before it, and recovery drops a commit the disk did not wholly keep.)
    if any(entry.durable for entry in entries):
        return _run_in_transaction(entries, conn)
    (level,) = conn.execute("PRAGMA synchronous").fetchone()
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        return _run_in_transaction(entries, conn)
    finally:
        conn.execute(f"PRAGMA synchronous = {int(level)}")


def _run_in_transaction(entries: list[_Asked], conn: sqlite3.Connection) -> list[tuple[str, Any]]:
    """The group's jobs, each in a savepoint, in one transaction committed at the end."""
    try:
        # IMMEDIATE takes the write lock up front: what a job reads cannot change before it
        # writes, and it never fails half-way on a lock upgrade.
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
            raise
        now = time.perf_counter()
        gave_up = WRITE_WAIT.total_seconds() - _TOLERANCE
        return [("error", error) if now - e.asked >= gave_up else ("busy", None) for e in entries]
    results: list[tuple[str, Any]] = []
    try:
        for entry in entries:
            conn.execute("SAVEPOINT job")
            try:
                value = entry.job(conn)
            except Exception as error:  # this job's own failure: undo it alone
                conn.execute("ROLLBACK TO job")
                conn.execute("RELEASE job")
                results.append(("error", error))
                continue
            conn.execute("RELEASE job")
            results.append(("ok", value))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return results


class GroupWriter:
    """The writer connection's jobs, grouped into trips; see the module's docstring."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._waiting: list[_Asked] = []
        self._trips: asyncio.Task[None] | None = None

    async def write(
        self,
        job: Callable[[sqlite3.Connection], T],
        on_slow: OnSlow | None,
        *,
        durable: bool = True,
    ) -> T:
        """`job`'s result once committed; `on_slow` runs once if the lock keeps it waiting.
        `durable=False`: a shortcut (`Jobs._write`)."""
        asked = time.perf_counter()
        report_at = None if on_slow is None else SLOW_WRITE.total_seconds()
        while True:
            result = await self._submit(job, asked, report_at, durable)
            if not isinstance(result, _Busy):
                return cast(T, result)
            if report_at is not None and time.perf_counter() - asked >= report_at - _TOLERANCE:
                report_at = None
                assert on_slow is not None
                await on_slow()

    async def _submit(self, job: Job, asked: float, report_at: float | None, durable: bool) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Asked(job, asked, report_at, future, durable))
        if self._trips is None or self._trips.done():
            self._trips = asyncio.ensure_future(self._run_trips())
        return await future

    async def _run_trips(self) -> None:
        while self._waiting:
            group = self._waiting[:MAX_GROUP]
            del self._waiting[:MAX_GROUP]
            try:
                results = await run_in_thread(self._db, partial(_run_group, group))
            except asyncio.CancelledError:
                for entry in group:
                    entry.future.cancel()
                raise
            except Exception as error:  # the group's transaction failed: every job did
                results = [("error", error)] * len(group)
            for entry, (kind, value) in zip(group, results, strict=True):
                if entry.future.done():
                    continue  # its caller went away; the write stands
                if kind == "error":
                    entry.future.set_exception(value)
                else:
                    entry.future.set_result(_BUSY if kind == "busy" else value)

    async def close(self) -> None:
        if self._trips is not None and not self._trips.done():
            await asyncio.wait({self._trips})
        await self._db.close()
