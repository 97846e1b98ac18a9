"""Posts on a real SQLite file: stored once, read back with the follower count at the time,
the last thirty for the rates, and only a server's own members for its digest."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from bot.domain.models import Period, Platform, PostCounts, PostDraft, ReadingDraft
from bot.usecases import posting, tracking
from bot.usecases.posting import AlreadyPosted, PostLogged
from storage.sqlite import SQLiteStorage
from tests.support.db import count

NOW = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)  # a Thursday
ALICE, BOB, GUILD, OTHER_GUILD = 101, 202, 9001, 9002


def draft(views: int = 1000, likes: int = 50, **changes: object) -> PostDraft:
    base = PostDraft(
        user_id=ALICE, guild_id=GUILD, platform=None, counts=PostCounts(views, likes, 5, 5)
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def post(storage: SQLiteStorage, entry: PostDraft, now: datetime) -> PostLogged:
    outcome = await posting.log_post(storage, entry, now=now)
    assert isinstance(outcome, PostLogged)
    return outcome


async def log(
    storage: SQLiteStorage, followers: int, now: datetime, platform: Platform | None = None
) -> None:
    entry = ReadingDraft(ALICE, GUILD, platform, followers, 10)
    await tracking.log_reading(storage, entry, now=now, confirmed=True)


async def test_followers_then_is_the_last_reading_at_or_before_the_post_on_its_platform(
    storage: SQLiteStorage,
) -> None:
    await log(storage, 1_000, NOW - timedelta(days=3))
    await log(storage, 1_200, NOW - timedelta(days=1))
    await log(storage, 90_000, NOW - timedelta(hours=1), Platform.INSTAGRAM)  # another platform
    before_any = await post(storage, draft(), NOW - timedelta(days=5))
    between = await post(storage, draft(views=2000), NOW - timedelta(days=2))
    latest = await post(storage, draft(views=3000), NOW)
    assert before_any.post.followers_then is None
    assert between.post.followers_then == 1_000
    assert latest.post.followers_then == 1_200
    # The rate by followers leaves out the post with no count: 60 + 60 over 1,000 + 1,200.
    assert latest.engagement.by_followers == 120 / 2_200
    assert latest.engagement.followers == 1_200  # the tier is read from the latest reading


async def test_the_rates_are_over_the_last_thirty_posts_by_date(storage: SQLiteStorage) -> None:
    # Logged newest first (a backfill run): "last" is by the day it went out, not by entry.
    for day in range(40, 0, -1):
        likes = 500 if day > 30 else 10  # the ten oldest would lift the rate if counted
        await post(storage, draft(views=1000, likes=likes), NOW - timedelta(days=day))
    history = await tracking.history(
        storage, user_id=ALICE, guild_id=GUILD, platform=None, period=Period.WEEK, now=NOW
    )
    assert len(history.posts) == 30
    assert [p.posted_at for p in history.posts] == sorted(p.posted_at for p in history.posts)
    assert {p.counts.likes for p in history.posts} == {10}
    assert len(history.posted) == 40  # every post counts toward weeks and streaks


async def test_a_repeat_is_refused_and_nothing_is_written(storage: SQLiteStorage) -> None:
    first = await post(storage, draft(link="https://example.com/v/1"), NOW)
    again = await posting.log_post(storage, draft(link="https://example.com/v/1"), now=NOW)
    assert isinstance(again, AlreadyPosted)
    assert again.post.id == first.post.id
    # Another link, or the same numbers later, is another post.
    await post(storage, draft(link="https://example.com/v/2"), NOW)
    await post(storage, draft(link="https://example.com/v/1"), NOW + timedelta(minutes=11))
    assert await count(storage, "posts") == 3


async def test_the_database_itself_refuses_more_likes_than_views(
    storage: SQLiteStorage,
) -> None:
    await post(storage, draft(), NOW)  # the member exists: only the CHECK can refuse
    with pytest.raises((sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)):
        await storage._write(
            lambda conn: conn.execute(
                "INSERT INTO posts (user_id, platform, posted_at, views, likes, comments,"
                " shares, source, logged_at)"
                f" VALUES ({ALICE}, 'tiktok', 0, 10, 11, 0, 0, 'self_reported', 0)"
            ),
            None,
        )


async def test_a_digest_gets_only_its_own_members_posts(storage: SQLiteStorage) -> None:
    await post(storage, draft(), NOW - timedelta(days=200))  # old: only for the rates
    await post(storage, draft(), NOW - timedelta(days=2))
    await post(storage, draft(user_id=BOB, guild_id=OTHER_GUILD), NOW - timedelta(days=2))
    data = await storage.digest_data(
        GUILD, ZoneInfo("UTC"), NOW - timedelta(days=60), NOW + timedelta(days=1)
    )
    assert {p.user_id for p in data.posts} == {ALICE}
    assert len(data.posts) == 2  # the last thirty on each platform include the old one
    assert await count(storage, "posts") == 3
