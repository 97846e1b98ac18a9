"""Each member's platforms (`member_platforms`, which the digest's reads go through) are
exactly the platforms they have readings on, whatever writes, moves or removes a reading. On
both backends (the triggers are per dialect)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.models import Platform, ReadingDraft
from bot.usecases import tracking
from tests.support.db import rows

GUILD, ALEX, SAM = 9101, 401, 402
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


async def log(storage: Any, user_id: int, platform: Platform, days_ago: int = 0) -> None:
    following = None if platform is Platform.YOUTUBE else 100
    draft = ReadingDraft(user_id, GUILD, platform, 1_000, following)
    when = NOW - timedelta(days=days_ago)
    await tracking.log_reading(storage, draft, now=when, confirmed=True)


async def kept(storage: Any) -> list[tuple[Any, ...]]:
    """The platforms kept, checked against the readings themselves."""
    found = await rows(storage, "SELECT user_id, platform FROM member_platforms ORDER BY 1, 2")
    pairs = await rows(storage, "SELECT DISTINCT user_id, platform FROM readings ORDER BY 1, 2")
    assert found == pairs
    return found


async def write(storage: Any, sql: str, params: tuple[Any, ...]) -> None:
    """A change made behind the bot's back (a hand edit, another tool): the triggers see it."""
    await storage._write(lambda conn: conn.execute(sql, params), None)


async def test_platforms_follow_every_change_to_the_readings(storage: Any) -> None:
    await log(storage, ALEX, Platform.TIKTOK, days_ago=2)
    await log(storage, ALEX, Platform.TIKTOK)
    await log(storage, ALEX, Platform.YOUTUBE)
    await log(storage, SAM, Platform.INSTAGRAM)
    assert await kept(storage) == [(ALEX, "tiktok"), (ALEX, "youtube"), (SAM, "instagram")]

    # One of two TikTok readings removed: still on TikTok. The only YouTube one: no longer.
    [(older,)] = await rows(
        storage, "SELECT min(id) FROM readings WHERE user_id = ? AND platform = 'tiktok'", (ALEX,)
    )
    assert await storage.delete_reading(ALEX, older)
    [(youtube,)] = await rows(
        storage, "SELECT id FROM readings WHERE user_id = ? AND platform = 'youtube'", (ALEX,)
    )
    assert await storage.delete_reading(ALEX, youtube)
    assert await kept(storage) == [(ALEX, "tiktok"), (SAM, "instagram")]

    # A reading moved to another platform, and to another member.
    await write(storage, "UPDATE readings SET platform = 'x' WHERE user_id = ?", (SAM,))
    assert await kept(storage) == [(ALEX, "tiktok"), (SAM, "x")]
    await write(storage, "UPDATE readings SET user_id = ? WHERE user_id = ?", (SAM, ALEX))
    assert await kept(storage) == [(SAM, "tiktok"), (SAM, "x")]


async def test_forgetting_a_member_forgets_their_platforms(storage: Any) -> None:
    await log(storage, ALEX, Platform.TIKTOK)
    await log(storage, SAM, Platform.TIKTOK)
    await storage.forget(ALEX, None)
    assert await kept(storage) == [(SAM, "tiktok")]
