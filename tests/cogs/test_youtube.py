"""YouTube profiles show no following count: `following` may be left out there, and net
followers then says it needs it. Everywhere else it is still required."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from tests.conftest import World
from tests.support.db import query
from tests.support.simulated import take_user_errors

DAY = 86_400


def fields(result) -> dict[str, str]:
    embed = result.response.embeds[0]
    return {field.name: field.value for field in embed.fields}


async def test_a_youtube_reading_without_following(world: World) -> None:
    result = await world.alice.slash(world.channel, "log", followers=5_000, platform="youtube")
    shown = fields(result)
    assert shown["Following"] == "not on the profile"
    assert shown["Net followers"].startswith("needs the following count")
    assert query(world.db_path, "SELECT platform, followers, following FROM readings") == [
        ("youtube", 5_000, None)
    ]
    await world.env.advance_time(DAY)
    again = await world.alice.slash(world.channel, "log", followers=5_300, platform="youtube")
    assert fields(again)["Change since previous reading"].startswith("+300 followers\n")

    net = fields(await world.alice.slash(world.channel, "net", platform="youtube"))
    assert "net followers needs the following count" in net["Net followers (followers − following)"]
    assert "**+300** followers (+6.0%)" in net["Net growth this week"]
    assert "net followers" not in net["Net growth this week"]  # no figure, not ±0

    history = await world.alice.slash(world.channel, "history", platform="youtube")
    [chart] = history.response.attachments
    assert "followers 5,000 to 5,300 (+300); 2 readings." in (chart.description or "")


async def test_following_is_still_needed_on_every_other_platform(world: World) -> None:
    result = await world.alice.slash(world.channel, "log", followers=1_200)
    assert result.ephemeral
    assert "`following` is needed on TikTok" in result.response.content
    assert take_user_errors(world.env) == [result.response.content]
    assert query(world.db_path, "SELECT count(*) FROM readings") == [(0,)]


async def test_the_database_itself_refuses_a_missing_following_outside_youtube(
    world: World,
) -> None:
    await world.alice.slash(world.channel, "log", followers=10, following=1)
    with closing(sqlite3.connect(world.db_path)) as db, pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO readings (user_id, platform, taken_at, followers, following, source,"
            " logged_at) SELECT user_id, 'tiktok', 0, 5, NULL, 'self_reported', 0 FROM members"
        )


async def test_combined_totals_say_which_platforms_have_a_net(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1_200, following=300)
    await world.alice.slash(world.channel, "log", followers=9_000, platform="youtube")
    totals = fields(await world.alice.slash(world.channel, "net"))["All your platforms"]
    assert "YouTube: 9,000 followers · net needs following" in totals
    assert "**Combined: 10,200 followers · net 900 (platforms with a following count)**" in totals
