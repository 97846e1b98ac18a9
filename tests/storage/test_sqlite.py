"""How NetGain uses SQLite itself: WAL, the writer's thread and its groups, waiting for the
write lock, one trip per /log, index seeks. The storage contract both backends keep is in
tests/storage/test_readings.py."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.domain.models import Period
from bot.usecases import tracking
from bot.usecases.tracking import Logged
from storage import sqlite_writer
from storage.sqlite import SQLiteStorage
from storage.sqlite_readings import _SURROUNDINGS
from tests.storage.test_readings import GUILD, NOW, draft, logged
from tests.support.db import WriteLockHolder, count, count_rows, query


@pytest.mark.sqlite_only
async def test_connection_uses_wal_foreign_keys_and_a_busy_timeout(
    storage: SQLiteStorage, db_path: Path
) -> None:
    assert query(db_path, "PRAGMA journal_mode") == [("wal",)]
    db = storage._db
    assert list(await db.execute_fetchall("PRAGMA foreign_keys")) == [(1,)]
    assert list(await db.execute_fetchall("PRAGMA busy_timeout")) == [(5000,)]
    # Readings: written durably (FULL), read through a connection that cannot write.
    writer, reader = storage._writes._db, storage._reader
    assert list(await writer.execute_fetchall("PRAGMA synchronous")) == [(2,)]
    assert list(await writer.execute_fetchall("PRAGMA foreign_keys")) == [(1,)]
    assert list(await reader.execute_fetchall("PRAGMA query_only")) == [(1,)]


async def test_two_processes_share_one_file(db_path: Path) -> None:
    first = await SQLiteStorage.open(db_path)
    second = await SQLiteStorage.open(db_path)
    try:
        await asyncio.gather(
            *(logged(first, replace(draft(), user_id=i)) for i in range(10)),
            *(logged(second, replace(draft(), user_id=100 + i)) for i in range(10)),
        )
        found = await tracking.history(
            second, user_id=3, guild_id=GUILD, platform=None, period=Period.ALL, now=NOW
        )
    finally:
        await first.close()
        await second.close()
    assert count_rows(db_path, "readings") == 20
    assert [r.followers for r in found.readings] == [1200]


async def test_close_stops_the_worker_thread(db_path: Path) -> None:
    # aiosqlite's worker thread is not a daemon: left running, it keeps the process alive.
    storage = await SQLiteStorage.open(db_path)
    worker = storage._db._thread
    try:
        assert worker.is_alive()
        assert not worker.daemon
    finally:
        await storage.close()
    worker.join(timeout=5)
    assert not worker.is_alive()


@pytest.mark.sqlite_only
async def test_writes_queued_behind_a_held_write_lock_each_report_that_they_are_slow(
    storage: SQLiteStorage, db_path: Path
) -> None:
    # Six /log at once while another connection holds the write lock: every one of them,
    # not only the first, must hear in time that it waits, so each command can defer.
    with WriteLockHolder(db_path) as holder:
        reported: list[int] = []

        def on_slow(user: int) -> Callable[[], Awaitable[None]]:
            async def report() -> None:
                reported.append(user)
                if len(reported) == 6:
                    holder.release.set()

            return report

        outcomes = await asyncio.gather(
            *(
                tracking.log_reading(
                    storage, replace(draft(), user_id=user), now=NOW, on_slow=on_slow(user)
                )
                for user in range(6)
            )
        )
    assert sorted(reported) == list(range(6))
    assert all(isinstance(outcome, Logged) for outcome in outcomes)
    assert await count(storage, "readings") == 6


@pytest.mark.sqlite_only
async def test_a_log_is_one_trip_to_the_writers_thread(
    storage: SQLiteStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    await logged(storage, draft(1000), now=NOW - timedelta(days=8))
    writer = storage._writes._db
    trips = 0
    queue = writer._execute

    async def counted(fn: Callable[..., object], *args: object) -> object:
        nonlocal trips
        trips += 1
        return await queue(fn, *args)

    monkeypatch.setattr(writer, "_execute", counted)
    await logged(storage, draft(1100, day=date(2026, 11, 12)))
    await logged(storage, draft(1200))
    assert trips == 2


@pytest.mark.sqlite_only
async def test_a_write_that_waits_too_long_fails_and_stores_nothing(
    storage: SQLiteStorage, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Shortened from 2 s and 10 minutes so the real wait inside SQLite stays short.
    monkeypatch.setattr(sqlite_writer, "SLOW_WRITE", timedelta(seconds=0.1))
    monkeypatch.setattr(sqlite_writer, "WRITE_SLICE", timedelta(seconds=0.1))
    monkeypatch.setattr(sqlite_writer, "WRITE_WAIT", timedelta(seconds=0.3))
    reported = 0

    async def on_slow() -> None:
        nonlocal reported
        reported += 1

    with WriteLockHolder(db_path), pytest.raises(sqlite3.OperationalError, match="locked"):
        await tracking.log_reading(storage, draft(), now=NOW, on_slow=on_slow)
    assert reported == 1
    assert await count(storage, "readings") == 0
    # The writer is free again once the lock is.
    await logged(storage, draft())


@pytest.mark.sqlite_only
async def test_a_log_seeks_what_it_reads_however_long_the_history(
    storage: SQLiteStorage, db_path: Path
) -> None:
    """Each part of /log's one read is a seek by date in the index: none of them (the
    repeat check included) goes through the member's whole history."""
    params = dict.fromkeys(
        ("user", "platform", "at", "week", "now", "followers", "following", "since", "within"), 1
    )
    with closing(sqlite3.connect(db_path)) as db:
        plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + _SURROUNDINGS, params)]
    reads = [step for step in plan if "readings" in step]
    assert len(reads) == 6, plan
    assert all("readings_by_time" in step and "taken_at" in step for step in reads), plan
