"""What digests keep to read less next time (streak bases, chart weeks) is a shortcut: its
commit does not wait for the disk, and never makes another write's commit skip it. On both
backends: SQLite's writer commits a group of shortcuts alone at `synchronous = NORMAL`;
PostgreSQL commits such a transaction with `synchronous_commit` off."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

import storage.sqlite_digest_data as digest_rows
from bot.domain.models import ReadingDraft
from bot.domain.schedule import GuildSettings
from bot.usecases import tracking
from bot.usecases.digest import MOVE_BASE_AFTER, build_digest
from storage import sqlite_writer
from storage.sqlite import SQLiteStorage
from tests.support.db import count

GUILD, ALEX = 9001, 301
THIS_WEEK = date(2026, 11, 16)  # a Monday


def durable(storage: Any, conn: Any) -> bool:
    """Whether a commit on `conn` now waits for the disk."""
    if isinstance(storage, SQLiteStorage):
        (level,) = conn.execute("PRAGMA synchronous").fetchone()
        return bool(level >= 2)  # FULL (2) or EXTRA (3)
    (setting,) = conn.execute("SELECT current_setting('synchronous_commit')").fetchone()
    return bool(setting != "off")


async def test_a_shortcut_commits_without_a_sync_and_the_next_write_syncs_again(
    storage: Any,
) -> None:
    def level(conn: Any) -> bool:
        return durable(storage, conn)

    assert await storage._write(level, None) is True
    assert await storage._write(level, None, durable=False) is False
    assert await storage._write(level, None) is True


@pytest.mark.sqlite_only
async def test_a_shortcut_grouped_with_a_durable_write_is_synced_with_it(storage: Any) -> None:
    seen: list[bool] = []

    def level(conn: sqlite3.Connection) -> None:
        seen.append(durable(storage, conn))

    # Asked together, they go to the writer's thread in one trip: one transaction.
    await asyncio.gather(
        storage._write(level, None, durable=False),
        storage._write(level, None),
        storage._write(level, None, durable=False),
    )
    assert seen == [True, True, True]


async def weekly_logs(storage: Any) -> None:
    """A reading every week, long enough that this week's digest moves a streak base on."""
    weeks = MOVE_BASE_AFTER // timedelta(weeks=1) + 2
    for back in range(weeks):
        monday = THIS_WEEK - timedelta(weeks=back)
        taken = datetime(monday.year, monday.month, monday.day, 12, tzinfo=UTC)
        draft = ReadingDraft(ALEX, GUILD, None, 1_000 + back, 100)
        await tracking.log_reading(storage, draft, now=taken + timedelta(days=1), confirmed=True)


async def digest(storage: Any) -> None:
    monday_after = datetime(2026, 11, 23, 10, tzinfo=UTC)
    await build_digest(storage, GuildSettings(GUILD), THIS_WEEK, monday_after)


async def test_digests_keep_their_bases_and_chart_weeks_as_shortcuts(
    storage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, bool] = {}
    for name in ("keep_streak_bases", "keep_chart_weeks"):
        kept = getattr(digest_rows, name)

        def spy(conn: Any, *args: Any, _kept: Any = kept, _name: str = name) -> Any:
            seen[_name] = durable(storage, conn)
            return _kept(conn, *args)

        monkeypatch.setattr(digest_rows, name, spy)
    await weekly_logs(storage)
    await digest(storage)
    assert seen == {"keep_streak_bases": False, "keep_chart_weeks": False}
    assert await count(storage, "streak_bases") == 1
    assert await count(storage, "chart_weeks") > 0


@pytest.mark.sqlite_only
async def test_a_digests_bases_and_chart_weeks_are_one_commit(
    storage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await weekly_logs(storage)
    groups: list[int] = []
    run_group = sqlite_writer._run_group

    def counted(entries: list[Any], conn: sqlite3.Connection) -> Any:
        groups.append(len(entries))
        return run_group(entries, conn)

    monkeypatch.setattr(sqlite_writer, "_run_group", counted)
    await digest(storage)
    assert groups == [2]  # both writes, in one trip to the writer: one transaction
    assert await count(storage, "streak_bases") == 1
    assert await count(storage, "chart_weeks") > 0
