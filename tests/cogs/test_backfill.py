"""Backfills: "previous" and "next" are by date, and the typo guard looks both ways."""

from __future__ import annotations

from tests.conftest import World

DAY = 86_400
# SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; backfills are stored at noon.
JAN_1 = 1767225600
JAN_5_NOON = 1767614400


def fields(result) -> dict[str, str]:
    embed = result.response.embeds[0]
    return {field.name: field.value for field in embed.fields}


async def test_a_backfill_is_compared_with_the_reading_before_it_by_date(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    await world.env.advance_time(10 * DAY)
    await world.alice.slash(world.channel, "log", followers=1200, following=300)
    result = await world.alice.slash(
        world.channel, "log", followers=1100, following=300, date="2026-01-05"
    )

    change = fields(result)["Change since previous reading"]
    assert "+100 followers · ±0 following · net +100" in change
    # Measured between the two readings, not from now.
    assert f"previous reading <t:{JAN_1}:f>, 4 days before this one" in change


async def test_a_backfill_older_than_every_reading_is_not_the_first(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    result = await world.alice.slash(
        world.channel, "log", followers=990, following=300, date="2025-12-29"
    )

    change = fields(result)["Change since previous reading"]
    assert "First" not in change
    assert change == (
        f"Your earliest TikTok reading so far: the next one is 2 days after it (<t:{JAN_1}:f>)."
    )


async def test_the_typo_guard_compares_a_backfill_with_the_reading_after_it(
    world: World,
) -> None:
    await world.env.advance_time(10 * DAY)
    await world.alice.slash(world.channel, "log", followers=3000, following=300)
    result = await world.alice.slash(
        world.channel, "log", followers=1000, following=300, date="2026-01-05"
    )

    embed = result.response.embeds[0]
    assert embed.title == "Check this TikTok reading"
    assert "**1,000 → 3,000** followers (+2,000) before your reading" in embed.description
    assert world.readings() == 1


async def test_the_typo_guard_catches_a_jump_in_following(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    result = await world.alice.slash(world.channel, "log", followers=1000, following=3000)

    embed = result.response.embeds[0]
    assert embed.title == "Check this TikTok reading"
    assert "**300 → 3,000** following (+2,700)" in embed.description
    assert world.readings() == 1
    # A change under 100 is never a typo, however large in percent.
    await world.bob.slash(world.channel, "log", followers=1000, following=10)
    small = await world.bob.slash(world.channel, "log", followers=1000, following=90)
    assert small.response.embeds[0].title == "TikTok reading logged"


async def test_undo_removes_the_newest_reading_by_date_and_says_which(world: World) -> None:
    await world.env.advance_time(10 * DAY)
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    await world.alice.slash(world.channel, "log", followers=950, following=290, date="2026-01-05")
    result = await world.alice.slash(world.channel, "undo")

    shown = {f.name: f.value for f in result.response.embeds[0].fields}
    assert shown["Followers"] == "1,000"
    pressed = await world.alice.click(result.response.message, label="Remove it")
    assert pressed.response.content == (
        "Removed your TikTok reading of 1,000 followers · 300 following "
        f"from <t:{JAN_1 + 10 * DAY}:f>."
    )
    remaining = await world.alice.slash(world.channel, "history", period="all")
    assert f"<t:{JAN_5_NOON}:d> **950**" in remaining.response.embeds[0].description
    assert world.readings() == 1
