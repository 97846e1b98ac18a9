"""A digest from readings narrowed to what its figures need (whole readings for the week,
follower counts for the chart's weeks not kept, instants for the streak) says exactly what it
says from a year of whole readings: random histories on several platforms, with gaps,
backfills, corrections, members joining and leaving, two readings at one instant and goals
reached long ago, on both backends."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.digest import build_report
from bot.domain.models import Platform, ReadingDraft
from bot.domain.rules import week_bounds
from bot.domain.schedule import GuildSettings
from bot.usecases import tracking
from bot.usecases.digest import build_digest
from storage.ports import ReadingChanges
from storage.schedules import MemberSettings
from storage.sqlite import SQLiteStorage
from tests.support.db import count, rows

GUILD = 9001
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)  # a Monday: the digest of the week before
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
ZONES = ["UTC", "Europe/Berlin", "America/Havana", "Asia/Kathmandu"]
# Mostly one platform, as most members log, with some on two or three.
PLATFORMS = [Platform.TIKTOK, Platform.TIKTOK, Platform.INSTAGRAM, Platform.YOUTUBE]


def summary(report: object) -> object:
    r = report
    return (
        [
            (
                row.member.user_id,
                row.platform,
                row.latest.id,
                row.change and (row.change.first.id, row.change.last.id, row.change.from_first_log),
                row.streak,
                row.drop and (row.drop.before.id, row.drop.after.id),
                row.goal_reached and row.goal_reached.followers,
                row.purged,
            )
            for row in r.rows  # type: ignore[attr-defined]
        ],
        r.community,  # type: ignore[attr-defined]
        r.weeks,  # type: ignore[attr-defined]
        sorted(r.lapsed_recently),  # type: ignore[attr-defined]
        [m.user_id for m in r.logged],  # type: ignore[attr-defined]
        [m.user_id for m in r.not_logged],  # type: ignore[attr-defined]
        len(r.purges),  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("seed", range(6))
async def test_narrowed_digest_data_gives_the_same_digest(
    storage: SQLiteStorage, seed: int
) -> None:
    rng = random.Random(seed)
    for user in range(1, 9):
        zone = rng.choice(ZONES)
        await storage.save_member_settings(
            MemberSettings(user, timezone=ZoneInfo(zone)), now=NOW - timedelta(weeks=60)
        )
        followers = rng.randrange(100, 5_000)
        weeks = sorted(rng.sample(range(0, 58), rng.randrange(1, 40)))
        if rng.random() < 0.5:
            weeks = [w for w in weeks if not 10 <= w <= 20]  # a long gap
        for back in weeks:
            at = NOW - timedelta(weeks=back, hours=rng.randrange(0, 160))
            for _ in range(rng.choice([1, 1, 2])):
                followers = max(0, followers + rng.randrange(-300, 400))
                platform = rng.choice(PLATFORMS)
                following = None if platform is Platform.YOUTUBE else 50
                draft = ReadingDraft(user, GUILD, platform, followers, following)
                await tracking.log_reading(storage, draft, now=at, confirmed=True)
                if rng.random() < 0.7:  # else a second reading at the very same instant
                    at -= timedelta(hours=rng.randrange(1, 100))
        if rng.random() < 0.6:  # a goal, set long ago, maybe reached long ago
            await storage._write(
                lambda conn, u=user, f=followers: conn.execute(
                    "INSERT INTO goals (user_id, platform, followers, set_at) VALUES (?, ?, ?, ?)",
                    (
                        u,
                        "tiktok",
                        max(1, f - rng.randrange(-200, 600)),
                        int((NOW - timedelta(weeks=rng.randrange(1, 50))).timestamp()),
                    ),
                ),
                None,
            )
    # Weekly digests, each against the one built from every reading there is. Streak bases
    # are kept and moved on from one to the next; a reading backfilled in between, or
    # removed, must drop what they summed up.
    tz = ZoneInfo("Europe/Berlin")
    last = (NOW - timedelta(days=7)).date()
    chart_kept = 0
    for back in (9, 8, 7, 3, 2, 1, 0):
        week = last - timedelta(weeks=back)
        start, end = week_bounds(week, tz)
        whole = await storage.digest_data(GUILD, tz, EPOCH, min(NOW, end))
        args = (week, start, end, tz)
        full_report = build_report(whole.members, whole.readings, *args, whole.posts, whole.goals)
        narrow_report = await build_digest(storage, GuildSettings(GUILD, timezone=tz), week, NOW)
        assert summary(narrow_report) == summary(full_report), f"the week of {week}"
        chart_kept += await count(storage, "chart_weeks")
        if rng.random() < 0.4:
            user = rng.randrange(1, 9)
            at = NOW - timedelta(weeks=rng.randrange(3, 40), hours=rng.randrange(0, 160))
            draft = ReadingDraft(user, GUILD, None, rng.randrange(100, 5_000), 50)
            await tracking.log_reading(storage, draft, now=at, confirmed=True)
        if rng.random() < 0.3:
            await storage._write(
                lambda conn: conn.execute(
                    "DELETE FROM readings WHERE id = (SELECT min(id) FROM readings)"
                ),
                None,
            )
        if rng.random() < 0.3:  # a count corrected, long ago
            [(oldest, owner)] = await rows(
                storage, "SELECT id, user_id FROM readings ORDER BY taken_at, id LIMIT 1"
            )
            changes = ReadingChanges(followers=rng.randrange(100, 5_000))
            await storage.correct_reading(owner, oldest, changes)
        if rng.random() < 0.3:  # someone with a history elsewhere joins, or a member leaves
            newcomer = rng.randrange(20, 30)
            for weeks_back in (30, 6, 2):
                at = NOW - timedelta(weeks=weeks_back)
                draft = ReadingDraft(newcomer, GUILD + 1, None, rng.randrange(100, 900), 5)
                await tracking.log_reading(storage, draft, now=at, confirmed=True)
            draft = ReadingDraft(newcomer, GUILD, None, rng.randrange(100, 900), 5)
            await tracking.log_reading(storage, draft, now=NOW, confirmed=True)
        elif rng.random() < 0.2:
            await storage.forget(rng.randrange(1, 9), GUILD)
    assert await count(storage, "streak_bases")  # kept, and used
    assert chart_kept  # kept, and used by the digests after


async def test_what_the_week_reaches_back_to_comes_along(storage: SQLiteStorage) -> None:
    """A goal reached twenty weeks ago (then lost) and met again this week is not announced
    again, and growth after a long gap starts from the reading before the gap."""
    tz = ZoneInfo("UTC")
    week = (NOW - timedelta(days=7)).date()
    start, _ = week_bounds(week, tz)
    history = {1: {30: 1_000, 20: 2_000, 15: 1_400, 0: 2_100}, 2: {30: 500, 20: 400, 0: 450}}
    for user, counts in history.items():
        for back, followers in counts.items():
            at = start + timedelta(days=2) - timedelta(weeks=back)
            draft = ReadingDraft(user, GUILD, None, followers, 10)
            await tracking.log_reading(storage, draft, now=at, confirmed=True)
    set_at = int((start - timedelta(weeks=25)).timestamp())
    goal = "INSERT INTO goals (user_id, platform, followers, set_at) VALUES (1, 'tiktok', 1500, ?)"
    await storage._write(lambda conn: conn.execute(goal, (set_at,)), None)
    report = await build_digest(storage, GuildSettings(GUILD, timezone=tz), week, NOW)
    rows = {row.member.user_id: row for row in report.rows}
    assert rows[1].goal_reached is None  # reached twenty weeks ago, announced then
    assert rows[1].change is not None and rows[1].change.growth.start == 1_400
    assert rows[2].change is not None and rows[2].change.growth.start == 400
    assert rows[1].streak == 1


async def test_a_reading_at_the_very_start_of_the_week_is_the_weeks_own(
    storage: SQLiteStorage,
) -> None:
    """A reading taken at Monday 00:00 opens the week: its growth starts from the reading
    before it, as with every reading of the week."""
    tz = ZoneInfo("Europe/Berlin")
    week = (NOW - timedelta(days=7)).date()
    start, end = week_bounds(week, tz)
    for at, followers in ((start - timedelta(days=3), 1_000), (start, 1_100), (end - DAY, 1_150)):
        draft = ReadingDraft(1, GUILD, None, followers, 50)
        await tracking.log_reading(storage, draft, now=at, confirmed=True)
    report = await build_digest(storage, GuildSettings(GUILD, timezone=tz), week, NOW)
    [row] = report.rows
    assert row.change is not None and not row.change.from_first_log
    assert (row.change.growth.start, row.change.growth.end) == (1_000, 1_150)
