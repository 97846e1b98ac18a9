"""`/import`'s write through the storage port, on both backends: what a file adds, what it
leaves out as stored already, and a second run that adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.imports import ImportedPost, ImportedReading, Parsed
from bot.domain.models import Platform, PostCounts
from storage.ports_own_data import ImportCounts
from tests.support.db import count

USER, GUILD = 301, 9001
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def history(days: int) -> Parsed:
    return Parsed(
        readings=[
            ImportedReading(platform, NOW - DAY * back, 1_000 + back, 50, note=None)
            for back in range(1, days + 1)
            for platform in (Platform.TIKTOK, Platform.YOUTUBE)
        ],
        posts=[
            ImportedPost(Platform.TIKTOK, NOW - DAY * back, PostCounts(500 + back, 40, 3, 1))
            for back in range(1, days + 1, 7)
        ],
    )


async def run(storage: Any, parsed: Parsed, *, write: bool = True) -> ImportCounts:
    counts: ImportCounts = await storage.import_history(
        USER, GUILD, "alex", parsed, now=NOW, write=write
    )
    return counts


async def test_a_file_is_added_once_and_a_second_run_adds_nothing(storage: Any) -> None:
    parsed = history(400)
    assert await run(storage, parsed, write=False) == ImportCounts(800, 58, 0)
    assert await count(storage, "readings") == 0  # counting writes nothing
    assert await run(storage, parsed) == ImportCounts(800, 58, 0)
    assert await count(storage, "readings") == 800
    assert await count(storage, "posts") == 58
    assert await run(storage, parsed) == ImportCounts(0, 0, 858)
    doubled = Parsed(parsed.readings[:10] * 2, [])  # the same rows twice in one file
    assert await run(storage, doubled) == ImportCounts(0, 0, 20)


async def test_a_post_with_a_readings_instant_and_number_is_its_own_row(storage: Any) -> None:
    at = NOW - DAY
    parsed = Parsed(
        readings=[ImportedReading(Platform.TIKTOK, at, 1_000, 50)],
        posts=[ImportedPost(Platform.TIKTOK, at, PostCounts(1_000, 40, 3, 1))],
    )
    assert await run(storage, parsed) == ImportCounts(1, 1, 0)
    assert await count(storage, "posts") == 1
