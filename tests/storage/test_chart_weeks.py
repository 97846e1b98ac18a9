"""Kept chart weeks (`DigestsPort.keep_chart_weeks`) never make a digest's chart wrong: a
reading written, corrected or removed before a kept week's end drops that week and the later
ones in every server the member logged in, a member joining or leaving a server drops all of
its weeks, and weeks worked out from readings or members that changed meanwhile are not kept.
On both backends (the triggers are per dialect)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.models import ReadingDraft
from bot.domain.schedule import GuildSettings
from bot.domain.series import COMMUNITY_WEEKS, CommunityWeek
from bot.usecases import tracking
from bot.usecases.digest import build_digest
from storage.ports import ReadingChanges
from storage.schedules import ChartWeek
from tests.support.db import WriteInFlight, rows

GUILD, OTHER = 9001, 9002
ALEX, SAM = 301, 302
UTC_ZONE = ZoneInfo("UTC")
THIS_WEEK = date(2026, 11, 16)  # a Monday
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)  # the Monday after: its digest is due
FIRST = THIS_WEEK - timedelta(weeks=COMMUNITY_WEEKS - 1)  # the chart's first week
WEEK = timedelta(weeks=1)


def tuesday(monday: date) -> datetime:
    return datetime(monday.year, monday.month, monday.day, 12, tzinfo=UTC) + timedelta(days=1)


def monday_at(back: int) -> date:
    return THIS_WEEK - timedelta(weeks=back)


async def log(storage: Any, user: int, monday: date, followers: int, guild: int = GUILD) -> int:
    draft = ReadingDraft(user, guild, None, followers, 100)
    stored = await tracking.log_reading(storage, draft, now=tuesday(monday), confirmed=True)
    return stored.reading.id  # type: ignore[union-attr]


async def digest(storage: Any, guild: int = GUILD, week: date = THIS_WEEK) -> Any:
    return await build_digest(storage, GuildSettings(guild, timezone=UTC_ZONE), week, NOW)


async def kept(storage: Any, guild: int = GUILD) -> list[str]:
    found = await rows(
        storage, "SELECT monday FROM chart_weeks WHERE guild_id = ? ORDER BY monday", (guild,)
    )
    return [monday for (monday,) in found]


async def weekly(storage: Any) -> None:
    """Ten weeks of logging by two members, then the digest: every chart week is kept."""
    for back in range(10):
        await log(storage, ALEX, monday_at(back), 1_000 + 10 * back)
        await log(storage, SAM, monday_at(back), 500 + back)
    await digest(storage)
    assert await kept(storage) == [str(monday_at(back)) for back in range(7, -1, -1)]


async def test_the_next_digest_reads_only_what_its_kept_weeks_do_not_hold(storage: Any) -> None:
    await weekly(storage)
    start = datetime.combine(FIRST, datetime.min.time(), UTC)
    data = await storage.digest_data(
        GUILD, UTC_ZONE, NOW - timedelta(weeks=53), NOW, full_since=NOW, chart_since=start
    )
    assert [one.week.monday for one in data.chart] == [monday_at(b) for b in range(7, -1, -1)]
    assert data.traces_since > start  # the traces no longer reach back to the chart's start
    report = await digest(storage)
    assert [week.followers for week in report.weeks] == [
        1_000 + 10 * back + 500 + back for back in range(7, -1, -1)
    ]


async def test_the_traces_hold_no_reading_that_neither_the_chart_nor_a_streak_needs(
    storage: Any,
) -> None:
    """Two weeks after the digest that kept the bases and the chart's weeks, the streaks
    need the readings from the bases' week on, and the chart the counts as of the end of its
    last kept week, which that week's readings give: the one before is read by neither."""
    await weekly(storage)
    week = THIS_WEEK + 2 * WEEK
    for monday in (THIS_WEEK + WEEK, week):
        await log(storage, ALEX, monday, 2_000)
        await log(storage, SAM, monday, 600)
    start = datetime.combine(week, datetime.min.time(), UTC)
    chart = start - (COMMUNITY_WEEKS - 1) * WEEK
    data = await storage.digest_data(
        GUILD, UTC_ZONE, start - 53 * WEEK, start + WEEK, full_since=start, chart_since=chart
    )
    bases_week = datetime.combine(THIS_WEEK, datetime.min.time(), UTC)
    assert data.traces_since == bases_week
    assert {trace.user_id: len(trace.at) for trace in data.traces} == {ALEX: 3, SAM: 3}
    assert all(trace.at[0] == tuesday(THIS_WEEK).timestamp() for trace in data.traces)


async def test_a_reading_backfilled_into_a_kept_week_drops_it_and_those_after(
    storage: Any,
) -> None:
    await weekly(storage)
    await log(storage, ALEX, monday_at(3), 9_999)  # a second reading in that week
    assert await kept(storage) == [str(monday_at(back)) for back in range(7, 3, -1)]
    report = await digest(storage)
    assert report.weeks[4].followers == 9_999 + 500 + 3  # the new count, not the kept one
    assert await kept(storage) == [str(monday_at(back)) for back in range(7, -1, -1)]


async def test_a_reading_after_the_kept_weeks_drops_nothing(storage: Any) -> None:
    await weekly(storage)
    await log(storage, ALEX, THIS_WEEK + timedelta(weeks=1), 2_000)
    assert len(await kept(storage)) == COMMUNITY_WEEKS


async def test_removing_or_correcting_a_reading_drops_the_weeks_it_counted_in(
    storage: Any,
) -> None:
    await weekly(storage)
    [(old,)] = await rows(
        storage,
        "SELECT id FROM readings WHERE user_id = ? AND taken_at = ?",
        (SAM, int(tuesday(monday_at(2)).timestamp())),
    )
    await storage.correct_reading(SAM, old, ReadingChanges(followers=7_777))
    assert await kept(storage) == [str(monday_at(back)) for back in range(7, 2, -1)]
    assert (await digest(storage)).weeks[5].followers == 1_020 + 7_777
    await storage.delete_reading(SAM, old)
    assert await kept(storage) == [str(monday_at(back)) for back in range(7, 2, -1)]
    assert (await digest(storage)).weeks[5].followers == 1_020 + 503  # Sam's week before


async def test_a_member_joining_or_leaving_drops_the_servers_weeks(storage: Any) -> None:
    await weekly(storage)
    newcomer = 303
    await log(storage, newcomer, monday_at(20), 40, guild=OTHER)  # logged elsewhere before
    assert len(await kept(storage)) == COMMUNITY_WEEKS
    await log(storage, newcomer, THIS_WEEK + timedelta(weeks=1), 50)  # joins this server
    assert await kept(storage) == []
    report = await digest(storage)
    assert report.weeks[0].followers == 1_070 + 507 + 40  # their count from long ago too
    await storage.forget(newcomer, GUILD)  # leaves it
    assert await kept(storage) == []
    assert (await digest(storage)).weeks[0].followers == 1_070 + 507


async def test_a_reading_drops_the_weeks_of_every_server_the_member_logged_in(
    storage: Any,
) -> None:
    await weekly(storage)
    await log(storage, ALEX, THIS_WEEK + timedelta(weeks=1), 1_500, guild=OTHER)
    await digest(storage, OTHER)
    assert len(await kept(storage, OTHER)) == COMMUNITY_WEEKS
    await log(storage, ALEX, monday_at(1), 1_234, guild=OTHER)
    assert len(await kept(storage)) == COMMUNITY_WEEKS - 2
    assert len(await kept(storage, OTHER)) == COMMUNITY_WEEKS - 2


async def versions_now(storage: Any) -> dict[int, int]:
    data = await storage.digest_data(GUILD, UTC_ZONE, NOW - timedelta(weeks=53), NOW)
    return {user: stored.version for user, stored in data.streaks.items()}


async def test_weeks_worked_out_before_a_change_are_not_kept(storage: Any) -> None:
    first = await log(storage, ALEX, monday_at(1), 1_000)
    versions = await versions_now(storage)
    start = datetime.combine(monday_at(1), datetime.min.time(), UTC)
    week = ChartWeek(CommunityWeek(monday_at(1), 1, 1_000), start, start + timedelta(weeks=1))
    await log(storage, ALEX, THIS_WEEK + timedelta(weeks=3), 1_100)  # later, yet a change
    assert await storage.keep_chart_weeks(GUILD, "UTC", [week], versions=versions, since=start) == 0
    versions = await versions_now(storage)
    await storage.correct_reading(ALEX, first, ReadingChanges(followers=900))  # a count only
    assert await storage.keep_chart_weeks(GUILD, "UTC", [week], versions=versions, since=start) == 0
    await log(storage, SAM, THIS_WEEK + timedelta(weeks=3), 10)  # and a new member
    data = await storage.digest_data(GUILD, UTC_ZONE, NOW - timedelta(weeks=53), NOW)
    versions = {user: stored.version for user, stored in data.streaks.items()}
    del versions[SAM]
    assert await storage.keep_chart_weeks(GUILD, "UTC", [week], versions=versions, since=start) == 0
    versions = {user: stored.version for user, stored in data.streaks.items()}
    assert await storage.keep_chart_weeks(GUILD, "UTC", [week], versions=versions, since=start) == 1
    assert await kept(storage) == [str(monday_at(1))]


async def test_weeks_of_another_zone_or_before_the_chart_are_dropped_when_keeping(
    storage: Any,
) -> None:
    await weekly(storage)
    tokyo = GuildSettings(GUILD, timezone=ZoneInfo("Asia/Tokyo"))
    await build_digest(storage, tokyo, THIS_WEEK, NOW)
    zones = await rows(
        storage, "SELECT DISTINCT zone FROM chart_weeks WHERE guild_id = ?", (GUILD,)
    )
    assert zones == [("Asia/Tokyo",)]
    # Three weeks on, the streak bases move on, and the chart's new weeks are kept with them.
    for ahead in (1, 2, 3):
        await log(storage, ALEX, THIS_WEEK + timedelta(weeks=ahead), 1_200)
    later = THIS_WEEK + timedelta(weeks=3)
    await build_digest(storage, tokyo, later, NOW + timedelta(weeks=3))
    assert await kept(storage) == [str(later - timedelta(weeks=b)) for b in range(7, -1, -1)]


async def test_a_server_that_removes_netgain_leaves_no_chart_behind(storage: Any) -> None:
    await weekly(storage)
    await storage.forget_guild(GUILD)
    assert await kept(storage) == []


async def test_weeks_kept_while_a_backfill_is_written_are_not_kept(storage: Any) -> None:
    """The backfill's triggers ran before the weeks were written, so they could not drop
    them: keeping waits for the write, then sees it and keeps nothing."""
    await weekly(storage)
    await log(storage, ALEX, monday_at(1), 1_111)  # the last weeks are worked out again
    data = await storage.digest_data(GUILD, UTC_ZONE, NOW - timedelta(weeks=53), NOW)
    versions = {user: stored.version for user, stored in data.streaks.items()}
    start = datetime.combine(monday_at(1), datetime.min.time(), UTC)
    week = ChartWeek(CommunityWeek(monday_at(1), 2, 1_111 + 501), start, start + WEEK)
    at = int(tuesday(monday_at(2)).timestamp())
    async with WriteInFlight(storage, ALEX, GUILD, at) as backfill:
        keeping = asyncio.ensure_future(
            storage.keep_chart_weeks(GUILD, "UTC", [week], versions=versions, since=start)
        )
        await backfill.waiting(keeping)
    assert await keeping == 0
    assert str(monday_at(1)) not in await kept(storage)


async def test_weeks_kept_while_a_member_joins_are_not_kept(storage: Any) -> None:
    await weekly(storage)
    data = await storage.digest_data(GUILD, UTC_ZONE, NOW - timedelta(weeks=53), NOW)
    versions = {user: stored.version for user, stored in data.streaks.items()}
    start = datetime.combine(monday_at(1), datetime.min.time(), UTC)
    week = ChartWeek(CommunityWeek(monday_at(1), 2, 1_010 + 501), start, start + WEEK)
    await storage._write(lambda conn: conn.execute("DELETE FROM chart_weeks"), None)
    at = int(tuesday(monday_at(3)).timestamp())
    async with WriteInFlight(storage, 303, GUILD, at, joining=True) as newcomer:
        keeping = asyncio.ensure_future(
            storage.keep_chart_weeks(GUILD, "UTC", [week], versions=versions, since=start)
        )
        await newcomer.waiting(keeping)
    assert await keeping == 0
    assert await kept(storage) == []
