"""Goals on a real SQLite file: one per member and platform, replaced, cleared, and seen only
by the servers the member logged in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import UserError
from bot.domain.models import Period, Platform, ReadingDraft
from bot.usecases import goals, tracking
from storage.sqlite import SQLiteStorage
from tests.support.db import count

NOW = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
ALICE, BOB, GUILD, OTHER_GUILD = 101, 202, 9001, 9002


async def set_goal(storage: SQLiteStorage, followers: int, **more: object) -> None:
    options = {"user_id": ALICE, "guild_id": GUILD, "platform": None, **more}
    await goals.set_goal(storage, followers=followers, now=NOW, **options)  # type: ignore[arg-type]


async def test_one_goal_per_platform_replaced_and_cleared(storage: SQLiteStorage) -> None:
    await set_goal(storage, 5_000)
    await set_goal(storage, 8_000)  # replaces the TikTok goal
    await set_goal(storage, 3_000, platform=Platform.YOUTUBE)
    mine = await goals.my_goals(storage, ALICE)
    assert [(g.platform, g.followers) for g in mine] == [
        (Platform.TIKTOK, 8_000),
        (Platform.YOUTUBE, 3_000),
    ]
    removed = await goals.clear_goals(storage, ALICE, None)
    assert {g.platform for g in removed} == {Platform.TIKTOK, Platform.YOUTUBE}
    assert await count(storage, "goals") == 0


async def test_a_goal_the_latest_reading_reaches_is_refused_and_nothing_is_written(
    storage: SQLiteStorage,
) -> None:
    draft = ReadingDraft(ALICE, GUILD, None, 5_000, 10)
    await tracking.log_reading(storage, draft, now=NOW - timedelta(hours=1))
    with pytest.raises(UserError, match="already have 5,000"):
        await set_goal(storage, 5_000)
    assert await count(storage, "goals") == 0
    await set_goal(storage, 5_001)
    history = await tracking.history(
        storage, user_id=ALICE, guild_id=GUILD, platform=None, period=Period.WEEK, now=NOW
    )
    assert history.goal is not None and history.goal.followers == 5_001


async def test_a_servers_digest_sees_only_its_own_members_goals(storage: SQLiteStorage) -> None:
    await tracking.log_reading(storage, ReadingDraft(ALICE, GUILD, None, 100, 1), now=NOW)
    await tracking.log_reading(storage, ReadingDraft(BOB, OTHER_GUILD, None, 100, 1), now=NOW)
    await set_goal(storage, 1_000)
    await set_goal(storage, 2_000, user_id=BOB, guild_id=OTHER_GUILD)
    data = await storage.digest_data(GUILD, ZoneInfo("UTC"), NOW - timedelta(days=7), NOW)
    assert [(g.user_id, g.followers) for g in data.goals] == [(ALICE, 1_000)]
