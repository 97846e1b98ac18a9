"""/log end to end: real discord.py dispatch against SimCord, real SQLite underneath."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.support.db import query
from tests.support.simulated import take_user_errors, unchecked_slash

DAY = 86_400


def fields(result) -> dict[str, str]:
    embed = result.response.embeds[0]
    return {field.name: field.value for field in embed.fields}


async def test_log_followers_1200_following_300(world: World) -> None:
    result = await world.alice.slash(world.channel, "log", followers=1200, following=300)

    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "TikTok reading logged"
    shown = fields(result)
    assert shown["Followers"] == "1,200"
    assert shown["Following"] == "300"
    assert shown["Net followers"] == "**900**\nratio 4.0×"
    assert "First TikTok reading" in shown["Change since previous reading"]
    assert embed.footer.text.startswith("Source: self-reported")
    assert query(world.db_path, "SELECT followers, following, source, platform FROM readings") == [
        (1200, 300, "self_reported", "tiktok")
    ]


async def test_reply_shows_change_since_previous_and_the_time_between_them(world: World) -> None:
    first = world.env.now()
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    await world.env.advance_time(DAY)
    result = await world.alice.slash(world.channel, "log", followers=1100, following=310)

    change = fields(result)["Change since previous reading"]
    assert "+100 followers · +10 following · net +90" in change
    assert f"previous reading <t:{int(first.timestamp())}:f>, 1 day before this one" in change


async def test_week_to_date_growth(world: World) -> None:
    # SimCord's clock starts on Thursday 2026-01-01 00:00 UTC.
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    await world.env.advance_time(DAY)
    friday = await world.alice.slash(world.channel, "log", followers=1050, following=300)
    assert "+50** followers (+5.0%) since your first log" in fields(friday)["This week"]

    await world.env.advance_time(3 * DAY + 3600)  # Monday 2026-01-05 01:00: a new week
    monday = await world.alice.slash(world.channel, "log", followers=1100, following=300)
    this_week = fields(monday)["This week"]
    assert "+50** followers (+4.8%) since Mon 5 Jan 2026" in this_week


async def test_platform_and_optional_fields_are_stored_and_shown(world: World) -> None:
    result = await world.alice.slash(
        world.channel,
        "log",
        followers=5000,
        following=80,
        platform="instagram",
        likes=120_000,
        posts=310,
        gained=400,
        lost=35,
        note="reel went wide",
    )
    assert result.response.embeds[0].title == "Instagram reading logged"
    assert fields(result)["Also logged"] == (
        "likes 120,000 · posts 310 · gained +400 · lost −35\nNote: reel went wide"
    )
    assert query(
        world.db_path, "SELECT platform, likes, posts, gained, lost, note FROM readings"
    ) == [("instagram", 120_000, 310, 400, 35, "reel went wide")]


async def test_backfill_a_past_day(world: World) -> None:
    result = await world.alice.slash(
        world.channel, "log", followers=800, following=200, date="2025-12-20"
    )
    assert result.response.embeds[0].description == "Backfilled for Sat 20 Dec 2025"
    assert query(world.db_path, "SELECT taken_at FROM readings") == [(1766232000,)]


BAD_INPUTS = [
    ({"followers": -5, "following": 300}, "`followers` can't be negative"),
    ({"followers": 1200, "following": -1}, "`following` can't be negative"),
    ({"followers": 10_000_000_001, "following": 3}, "check for an extra digit"),
    ({"followers": 1200, "following": 300, "likes": -3}, "`likes` can't be negative"),
    ({"followers": 1200, "following": 300, "date": "2026-01-02"}, "is in the future"),
    ({"followers": 1200, "following": 300, "date": "2003-12-31"}, "too early"),
    ({"followers": 1200, "following": 300, "date": "01/11/2025"}, "year-month-day"),
    ({"followers": 1200, "following": 300, "date": "2025-02-30"}, "year-month-day"),
    ({"followers": 1200, "following": 300, "platform": "myspace"}, "`platform` must be one of"),
    ({"followers": 1200, "following": 300, "note": "x" * 201}, "keep it to 200"),
]


@pytest.mark.parametrize(("options", "expected"), BAD_INPUTS)
async def test_bad_input_is_answered_privately_and_stores_nothing(
    world: World, options: dict[str, object], expected: str
) -> None:
    result = await unchecked_slash(world.alice, world.channel, "log", **options)

    assert result.ephemeral
    assert expected in result.response.content
    assert take_user_errors(world.env) == [result.response.content]
    assert world.readings() == 0
    assert query(world.db_path, "SELECT count(*) FROM members") == [(0,)]


async def test_discord_is_told_the_limits_so_the_client_checks_them_too(world: World) -> None:
    from simcord.backend.errors import OptionError

    with pytest.raises(OptionError, match="≥ 0"):
        await world.alice.slash(world.channel, "log", followers=-5, following=300)
    with pytest.raises(OptionError):
        await world.alice.slash(world.channel, "log", followers=1, following=1, platform="myspace")
    assert world.readings() == 0
