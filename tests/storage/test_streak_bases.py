"""Kept streak bases (`bot.domain.streaks.StreakBase`) never make a digest's streak wrong: a
reading written, changed or removed before a base's horizon drops it, at once and whatever
wrote it; a base counted from readings that changed meanwhile is not kept; an older base
never replaces a newer one. On both backends (the triggers are per dialect)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.models import ReadingDraft
from bot.domain.schedule import GuildSettings
from bot.domain.streaks import StreakBase
from bot.usecases import tracking
from bot.usecases.digest import build_digest
from storage.schedules import KeptStreak
from tests.support.db import WriteInFlight, count, rows

GUILD, ALEX = 9001, 301
UTC_ZONE = ZoneInfo("UTC")
THIS_WEEK = date(2026, 11, 16)  # a Monday
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)  # the Monday after: its digest is due
GAP = THIS_WEEK - timedelta(weeks=5)


def tuesday(monday: date) -> datetime:
    return datetime(monday.year, monday.month, monday.day, 12, tzinfo=UTC) + timedelta(days=1)


async def log(storage: Any, monday: date) -> None:
    draft = ReadingDraft(ALEX, GUILD, None, 1_000, 100)
    await tracking.log_reading(storage, draft, now=tuesday(monday), confirmed=True)


async def streak(storage: Any, week: date = THIS_WEEK) -> int:
    report = await build_digest(storage, GuildSettings(GUILD, timezone=UTC_ZONE), week, NOW)
    return report.rows[0].streak


async def weekly_but_one(storage: Any) -> None:
    """Ten weeks of logging up to THIS_WEEK, all but GAP: a streak of 5, with a base kept."""
    for back in range(10):
        monday = THIS_WEEK - timedelta(weeks=back)
        if monday != GAP:
            await log(storage, monday)
    assert await streak(storage, THIS_WEEK - timedelta(weeks=1)) == 4
    assert await count(storage, "streak_bases") == 1
    assert await streak(storage) == 5  # counted on top of the base


async def test_a_reading_backfilled_into_a_gap_lengthens_the_streak_at_once(storage: Any) -> None:
    await weekly_but_one(storage)
    await log(storage, GAP)
    assert await count(storage, "streak_bases") == 0  # dropped as the reading was written
    assert await streak(storage) == 10


async def test_removing_or_moving_an_old_reading_counts_at_once(storage: Any) -> None:
    await weekly_but_one(storage)
    sixth = int(tuesday(THIS_WEEK - timedelta(weeks=6)).timestamp())
    delete = "DELETE FROM readings WHERE taken_at = ?"
    await storage._write(lambda conn: conn.execute(delete, (sixth,)), None)
    assert await count(storage, "streak_bases") == 0
    assert await streak(storage) == 5
    assert await count(storage, "streak_bases") == 1  # a base again
    # The reading of seven weeks ago is moved into the gap: the streak reaches it.
    seventh = int(tuesday(THIS_WEEK - timedelta(weeks=7)).timestamp())
    moved = "UPDATE readings SET taken_at = ? WHERE taken_at = ?"
    await storage._write(
        lambda conn: conn.execute(moved, (int(tuesday(GAP).timestamp()), seventh)), None
    )
    assert await count(storage, "streak_bases") == 0
    assert await streak(storage) == 6


async def test_a_reading_after_the_horizon_keeps_the_base(storage: Any) -> None:
    await weekly_but_one(storage)
    await log(storage, THIS_WEEK + timedelta(weeks=1))
    assert await count(storage, "streak_bases") == 1
    assert await streak(storage) == 5


async def test_a_base_counted_from_readings_that_changed_since_is_not_kept(storage: Any) -> None:
    await log(storage, THIS_WEEK)
    data = await storage.digest_data(GUILD, UTC_ZONE, NOW - timedelta(weeks=53), NOW)
    stored = data.streaks[ALEX]
    base = KeptStreak(ALEX, stored.zone, StreakBase(THIS_WEEK, 1, True), tuesday(THIS_WEEK), 0)
    await log(storage, THIS_WEEK + timedelta(weeks=2))  # after the horizon, yet a change
    assert await storage.keep_streak_bases([base]) == 0
    assert await count(storage, "streak_bases") == 0
    fresh = (await storage.digest_data(GUILD, UTC_ZONE, NOW - timedelta(weeks=53), NOW)).streaks
    current = dataclasses.replace(base, version=fresh[ALEX].version)
    assert await storage.keep_streak_bases([current]) == 1


async def test_a_kept_base_reads_back_as_it_was_kept(storage: Any) -> None:
    """Whether the week before the horizon held a reading is kept with the base: the
    streak counted on top of it needs no reading from that week."""
    await log(storage, THIS_WEEK)
    version = (await storage.digest_data(GUILD, UTC_ZONE, NOW, NOW)).streaks[ALEX].version
    start = datetime(THIS_WEEK.year, THIS_WEEK.month, THIS_WEEK.day, tzinfo=UTC)
    for held in (False, True):  # the later one replaces the earlier
        base = StreakBase(THIS_WEEK, 4, held)
        kept = KeptStreak(ALEX, "UTC", base, start + timedelta(weeks=held), version)
        assert await storage.keep_streak_bases([kept]) == 1
        data = await storage.digest_data(GUILD, UTC_ZONE, NOW - timedelta(weeks=53), NOW)
        assert data.streaks[ALEX].base == base


async def test_an_older_base_never_replaces_a_newer_one(storage: Any) -> None:
    await log(storage, THIS_WEEK)
    version = (await storage.digest_data(GUILD, UTC_ZONE, NOW, NOW)).streaks[ALEX].version

    def kept(monday: date, run: int) -> KeptStreak:
        start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
        return KeptStreak(ALEX, "UTC", StreakBase(monday, run, run > 0), start, version)

    assert await storage.keep_streak_bases([kept(THIS_WEEK, 3)]) == 1
    assert await storage.keep_streak_bases([kept(THIS_WEEK - timedelta(weeks=1), 2)]) == 0
    assert await storage.keep_streak_bases([kept(THIS_WEEK + timedelta(weeks=1), 4)]) == 1
    assert await rows(storage, "SELECT horizon, run FROM streak_bases") == [("2026-11-23", 4)]


async def test_each_zone_a_member_is_counted_in_has_a_base_of_its_own(storage: Any) -> None:
    await weekly_but_one(storage)
    tokyo = ZoneInfo("Asia/Tokyo")
    settings = GuildSettings(GUILD, timezone=tokyo)
    report = await build_digest(storage, settings, THIS_WEEK, NOW)
    assert report.rows[0].streak == 5
    assert sorted(await rows(storage, "SELECT zone FROM streak_bases")) == [
        ("Asia/Tokyo",),
        ("UTC",),
    ]


async def test_a_base_that_cannot_be_kept_never_stops_the_digest(
    storage: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await weekly_but_one(storage)
    await log(storage, GAP)  # the base is dropped: the next digest keeps a new one

    async def locked(kept: object) -> int:
        raise OSError("database is locked")

    storage.keep_streak_bases = locked
    assert await streak(storage) == 10
    assert "Keeping 1 streak bases failed" in caplog.text


async def test_a_base_kept_while_a_backfill_is_written_is_not_kept(storage: Any) -> None:
    """The backfill's trigger ran before the base was written, so it could not drop it:
    keeping waits for the write, then sees it and keeps nothing."""
    await log(storage, THIS_WEEK)
    version = (await storage.digest_data(GUILD, UTC_ZONE, NOW, NOW)).streaks[ALEX].version
    start = datetime(THIS_WEEK.year, THIS_WEEK.month, THIS_WEEK.day, tzinfo=UTC)
    base = KeptStreak(ALEX, "UTC", StreakBase(THIS_WEEK, 0, False), start, version)
    into_the_gap = int(tuesday(GAP).timestamp())
    async with WriteInFlight(storage, ALEX, GUILD, into_the_gap) as backfill:
        keeping = asyncio.ensure_future(storage.keep_streak_bases([base]))
        await backfill.waiting(keeping)
    assert await keeping == 0
    assert await count(storage, "streak_bases") == 0
