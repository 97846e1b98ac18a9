"""The same reading logged twice within ten minutes is stored once."""

from __future__ import annotations

from tests.conftest import World
from tests.support.db import query

MINUTE = 60
JAN_1 = 1767225600  # SimCord's clock starts on 2026-01-01 00:00 UTC


async def test_a_repeat_within_ten_minutes_is_already_logged(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1200, following=300)
    await world.env.advance_time(5 * MINUTE)
    # A retry after a reply that never arrived, with the note typed differently this time.
    again = await world.alice.slash(
        world.channel, "log", followers=1200, following=300, note="retry"
    )

    assert again.ephemeral
    assert again.response.content.startswith(f"Already logged <t:{JAN_1}:R>: your TikTok reading")
    assert "1,200 followers · 300 following" in again.response.content
    assert world.readings() == 1


async def test_other_counts_another_platform_or_a_later_log_are_stored(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1200, following=300)
    await world.alice.slash(world.channel, "log", followers=1201, following=300)
    await world.alice.slash(
        world.channel, "log", followers=1200, following=300, platform="instagram"
    )
    await world.bob.slash(world.channel, "log", followers=1200, following=300)
    await world.env.advance_time(11 * MINUTE)
    later = await world.alice.slash(world.channel, "log", followers=1201, following=300)

    assert later.response.embeds[0].title == "TikTok reading logged"
    assert world.readings() == 5


async def test_a_repeated_backfill_is_recognised_but_another_day_is_not(world: World) -> None:
    await world.env.advance_time(10 * 86_400)
    await world.alice.slash(world.channel, "log", followers=900, following=300, date="2026-01-05")
    again = await world.alice.slash(
        world.channel, "log", followers=900, following=300, date="2026-01-05"
    )
    other_day = await world.alice.slash(
        world.channel, "log", followers=900, following=300, date="2026-01-06"
    )

    assert again.response.content.startswith("Already logged")
    assert other_day.response.embeds[0].title == "TikTok reading logged"
    assert query(world.db_path, "SELECT count(*) FROM readings") == [(2,)]
