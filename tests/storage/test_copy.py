"""`netgain migrate`: a populated SQLite file copied into PostgreSQL, whole, once; refused over
data unless forced; stopped half-way and run again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.domain.models import PostCounts, PostDraft, ReadingDraft
from bot.domain.schedule import GuildSettings
from bot.usecases import goals, posting, tracking
from storage import copy as copying
from storage.copy import TABLES, TargetNotEmpty, copy_database
from storage.postgres import PostgresStorage
from storage.schedules import RunState
from storage.sqlite import SQLiteStorage
from tests.support.db import count
from tests.support.postgres import POSTGRES_URL, postgres_schema
from tests.support.process import netgain

NOW = datetime(2026, 11, 19, 15, tzinfo=UTC)
GUILD = 9001


async def populate(storage: SQLiteStorage, members: int = 30) -> None:
    """Every table gets rows: readings over weeks, posts, goals, settings, runs, reminders."""
    for user in range(1, members + 1):
        for week in range(6):
            at = NOW - timedelta(weeks=week, hours=user)
            draft = ReadingDraft(user, GUILD, None, 1_000 + user * 10 - week, 100 + week)
            await tracking.log_reading(storage, draft, now=at, confirmed=True)
        await posting.log_post(
            storage, PostDraft(user, GUILD, None, PostCounts(500, 40, 3, 1)), now=NOW
        )
        await goals.set_goal(
            storage, user_id=user, guild_id=GUILD, platform=None, followers=50_000, now=NOW
        )
    await storage.save_guild_settings(GuildSettings(GUILD, digest_channel_id=5), now=NOW)
    week = date(2026, 11, 9)
    await storage.claim_digest(GUILD, week, owner="a", now=NOW, lease_until=NOW)
    await storage.finish_digest(GUILD, week, owner="a", state=RunState.POSTED, now=NOW)
    await storage.record_reminder(
        1, "consistency", week, owner="a", guild_id=GUILD, now=NOW, lease_until=NOW
    )
    await storage.set_state("commands", "abc")


@pytest_asyncio.fixture
async def source(db_path: Path) -> AsyncIterator[SQLiteStorage]:
    opened = await SQLiteStorage.open(db_path)
    await populate(opened)
    yield opened
    await opened.close()


@pytest_asyncio.fixture
async def target() -> AsyncIterator[PostgresStorage]:
    async with postgres_schema() as schema:
        opened = await PostgresStorage.open(POSTGRES_URL, pool_size=2, schema=schema)
        yield opened
        await opened.close()


async def same_history(one: SQLiteStorage, other: PostgresStorage, user: int) -> bool:
    """The member's readings, posts and goals (all `/export` holds) read the same."""
    mine, theirs = await one.member_data(user), await other.member_data(user)
    return bool(mine.readings) and mine == theirs


async def test_everything_is_copied_and_counted(
    source: SQLiteStorage, target: PostgresStorage
) -> None:
    seen: list[tuple[str, int, int]] = []
    counted = await copy_database(source, target, progress=lambda *step: seen.append(step))
    assert [c.table for c in counted] == list(TABLES)
    assert all(c.matches and c.source for c in counted), counted
    assert ("readings", 180, 180) in seen
    assert await same_history(source, target, 7)
    # Ids go on after the copied ones: a new reading on PostgreSQL does not collide.
    draft = ReadingDraft(7, GUILD, None, 2_000, 100)
    logged = await tracking.log_reading(target, draft, now=NOW + timedelta(days=1), confirmed=True)
    assert logged.reading.id > 180  # type: ignore[union-attr]
    assert (await target.digest_run(GUILD, date(2026, 11, 9))).state is RunState.POSTED  # type: ignore[union-attr]
    assert await target.get_state("commands") == "abc"


async def test_a_target_with_data_is_refused_unless_forced(
    source: SQLiteStorage, target: PostgresStorage
) -> None:
    await copy_database(source, target)
    with pytest.raises(TargetNotEmpty, match="add --force"):
        await copy_database(source, target)
    await tracking.log_reading(
        target, ReadingDraft(999, GUILD, None, 5, 5), now=NOW, confirmed=True
    )
    # What the target's digests kept of its own data (another server's chart, say) goes too.
    await target._write(
        lambda conn: conn.execute(
            "INSERT INTO chart_weeks (guild_id, zone, monday, starts_at, ends_at, logged)"
            " VALUES (4242, 'UTC', '2026-11-02', 0, 1, 1)"
        ),
        None,
    )
    counted = await copy_database(source, target, force=True)
    assert all(c.matches for c in counted)  # replaced: the extra reading is gone
    assert await count(target, "chart_weeks") == 0


async def test_a_copy_stopped_half_way_leaves_nothing_and_runs_again(
    source: SQLiteStorage, target: PostgresStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stop_at_posts(table: str, done: int, total: int) -> None:
        if table == "posts":
            raise KeyboardInterrupt  # the operator pressed Ctrl-C, or the process was killed

    with pytest.raises(KeyboardInterrupt):
        await copy_database(source, target, progress=stop_at_posts)
    assert await target.footprint(7, GUILD) == await target.footprint(424242, GUILD)  # empty
    monkeypatch.setattr(copying, "BATCH", 7)  # many batches this time
    counted = await copy_database(source, target)
    assert all(c.matches for c in counted)
    assert await same_history(source, target, 3)


@pytest.mark.slow
async def test_netgain_migrate_from_the_command_line(tmp_path: Path, db_path: Path) -> None:
    opened = await SQLiteStorage.open(db_path)
    await populate(opened, members=3)
    await opened.close()
    args = ("migrate", "--from", f"sqlite:///{db_path}", "--to")
    async with postgres_schema() as schema:
        url = f"{POSTGRES_URL}?search_path={schema}"
        done = await asyncio.to_thread(netgain, tmp_path, *args, url)
        assert done.returncode == 0, done.stderr
        assert "Copied: every table holds the same rows on both sides." in done.stdout
        assert "readings" in done.stdout and "18" in done.stdout
        again = await asyncio.to_thread(netgain, tmp_path, *args, url)
        assert again.returncode == 1
        assert "add --force" in again.stderr
