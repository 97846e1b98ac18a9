"""/edit corrects or removes any one of your readings after showing it; /net without a
platform adds up every platform."""

from __future__ import annotations

from tests.conftest import World
from tests.support.db import query
from tests.support.simulated import take_user_errors

DAY = 86_400


def fields(result) -> dict[str, str]:
    embed = result.response.embeds[0]
    return {field.name: field.value for field in embed.fields}


async def ids(world: World) -> list[int]:
    return [row[0] for row in query(world.db_path, "SELECT id FROM readings ORDER BY taken_at")]


async def test_edit_an_older_reading_after_seeing_it(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1_000, following=300)
    await world.env.advance_time(DAY)
    await world.alice.slash(world.channel, "log", followers=1_100, following=300)
    first, _ = await ids(world)
    # The autocomplete lists her readings, newest first, as days and counts.
    offered = await world.alice.autocomplete(world.channel, "edit", "reading", "1,000")
    assert [choice["value"] for choice in offered] == [str(first)]
    assert offered[0]["name"].startswith("Thu 1 Jan 2026 · TikTok · 1,000 followers")

    prompt = await world.alice.slash(world.channel, "edit", reading=str(first), followers=1_010)
    assert prompt.ephemeral
    assert fields(prompt)["Followers"] == "1,000 → **1,010**"
    assert query(world.db_path, "SELECT followers FROM readings ORDER BY taken_at") == [
        (1_000,),
        (1_100,),
    ]  # nothing changes before the press
    done = await world.alice.click(prompt.response.message, label="Save the change")
    assert "1,000 → 1,010 followers" in done.response.content
    assert query(world.db_path, "SELECT followers FROM readings ORDER BY taken_at") == [
        (1_010,),
        (1_100,),
    ]
    net = fields(await world.alice.slash(world.channel, "net"))
    assert "**+90** followers" in net["Net growth this week"]


async def test_remove_any_reading_and_only_your_own(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1_000, following=300)
    await world.bob.slash(world.channel, "log", followers=50, following=5)
    alices, bobs = await ids(world)
    refused = await world.alice.slash(world.channel, "edit", reading=str(bobs), remove=True)
    assert "isn't one of yours" in refused.response.content
    take_user_errors(world.env)
    prompt = await world.alice.slash(world.channel, "edit", reading=str(alices), remove=True)
    await world.alice.click(prompt.response.message, label="Remove it")
    assert await ids(world) == [bobs]


async def test_edit_needs_something_to_change(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1_000, following=300)
    [reading] = await ids(world)
    nothing = await world.alice.slash(world.channel, "edit", reading=str(reading))
    assert "Say what to change" in nothing.response.content
    both = await world.alice.slash(
        world.channel, "edit", reading=str(reading), followers=5, remove=True
    )
    assert "not both" in both.response.content
    assert len(take_user_errors(world.env)) == 2


async def test_net_without_a_platform_adds_up_every_platform(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1_200, following=300)
    await world.alice.slash(
        world.channel, "log", followers=5_000, following=80, platform="instagram"
    )
    shown = fields(await world.alice.slash(world.channel, "net"))
    assert shown["All your platforms"] == (
        "Instagram: 5,000 followers · net 4,920\n"
        "TikTok: 1,200 followers · net 900\n"
        "**Combined: 6,200 followers · net 5,820**"
    )
    one = fields(await world.alice.slash(world.channel, "net", platform="tiktok"))
    assert "All your platforms" not in one


async def test_a_reading_can_be_named_by_its_day(world: World) -> None:
    # SimCord's clock starts on Thursday 1 Jan 2026, 00:00 UTC.
    await world.alice.slash(world.channel, "log", followers=1_000, following=300)
    await world.alice.slash(world.channel, "log", followers=70, following=3, platform="x")
    await world.env.advance_time(DAY)
    await world.alice.slash(world.channel, "log", followers=1_100, following=300)
    prompt = await world.alice.slash(
        world.channel, "edit", reading="2026-01-01", platform="tiktok", following=310
    )
    assert fields(prompt)["Following"] == "300 → **310**"
    done = await world.alice.click(prompt.response.message, label="Save the change")
    assert done.response.content.endswith(
        ": 300 → 310 following. Growth and streaks use it from now on."
    )
    none = await world.alice.slash(world.channel, "edit", reading="2025-12-31", followers=5)
    assert "You have no reading on 2025-12-31 (UTC)" in none.response.content
    take_user_errors(world.env)
