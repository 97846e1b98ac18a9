"""The numbers and words creators read in replies: missing data, signs, plurals, dates."""

from __future__ import annotations

from tests.conftest import World

DAY = 86_400


def fields(result) -> dict[str, str]:
    return {field.name: field.value for field in result.response.embeds[0].fields}


async def test_a_week_without_a_reading_says_no_reading_not_zero(world: World) -> None:
    # SimCord starts on Thursday 2026-01-01; nothing is logged in the week of 5 January.
    await world.alice.slash(world.channel, "log", followers=1000, following=100)
    await world.env.advance_time(14 * DAY)
    await world.alice.slash(world.channel, "log", followers=1100, following=100)
    shown = fields(await world.alice.slash(world.channel, "net"))
    weeks = shown["Last weeks at a glance"].splitlines()
    assert weeks[:3] == [
        "12–18 Jan (so far): **+100** (+10.0%)",
        "5–11 Jan: no reading",
        "29 Dec 2025 – 4 Jan 2026: first reading",
    ]
    assert "±0" not in shown["Last weeks at a glance"]
    # Calendar weeks are plain text in the member's zone, never Discord timestamps.
    assert "<t:" not in shown["Last weeks at a glance"]


async def test_a_period_without_a_reading_has_not_enough_readings(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=100)
    await world.env.advance_time(8 * DAY)  # the next week, nothing logged in it yet
    shown = fields(await world.alice.slash(world.channel, "net"))
    growth = shown["Net growth this week"]
    assert "not enough readings" in growth
    assert "+0" not in growth and "±0" not in growth


async def test_no_reading_yet_this_week_in_the_log_reply_of_a_backfill(world: World) -> None:
    await world.env.advance_time(5 * DAY)  # Tuesday 6 January
    result = await world.alice.slash(
        world.channel, "log", followers=900, following=100, date="2026-01-02"
    )
    assert fields(result)["This week"] == "No reading yet this week."


async def test_words_about_another_member_are_theirs_not_yours(world: World) -> None:
    await world.bob.slash(world.channel, "log", followers=640, following=40)
    shown = fields(await world.alice.slash(world.channel, "net", member=world.bob))
    growth = shown["Net growth this week"]
    assert "their next log" in growth
    assert "your" not in growth


async def test_signs_and_plurals_read_as_words(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=100)
    await world.env.advance_time(3600)
    one = await world.alice.slash(world.channel, "log", followers=1001, following=100)
    assert fields(one)["Change since previous reading"].startswith("+1 follower · ")
    await world.env.advance_time(3600)
    down = await world.alice.slash(world.channel, "log", followers=951, following=100)
    change = fields(down)["Change since previous reading"]
    assert change.startswith("−50 followers · ±0 following · net −50")
    assert "-" not in change.split("\n")[0]  # a minus sign, never a hyphen
    assert "(−4.9%)" in fields(down)["This week"]


async def test_gained_and_lost_are_shown_once(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=100)
    await world.env.advance_time(3600)
    result = await world.alice.slash(
        world.channel, "log", followers=1100, following=100, gained=130, lost=30
    )
    everything = "\n".join(fields(result).values())
    assert everything.count("+130") == 1
    assert everything.count("30 lost") + everything.count("lost −30") == 1


async def test_net_shows_the_logging_streak(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=100)
    await world.env.advance_time(7 * DAY)
    await world.alice.slash(world.channel, "log", followers=1010, following=100)
    shown = fields(await world.alice.slash(world.channel, "net"))
    assert shown["Logging streak"] == "**2 weeks** in a row with a reading."


async def test_the_streak_counts_logging_on_any_platform(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=100)
    await world.env.advance_time(7 * DAY)
    await world.alice.slash(world.channel, "log", followers=300, following=10, platform="instagram")
    shown = fields(await world.alice.slash(world.channel, "net", platform="tiktok"))
    assert shown["Logging streak"] == "**2 weeks** in a row with a reading."


async def test_a_reading_for_now_is_not_called_a_backfill(world: World) -> None:
    await world.env.advance_time(0.25)  # a clock between whole seconds, as real clocks are
    result = await world.alice.slash(world.channel, "log", followers=1000, following=100)
    assert result.response.embeds[0].description is None


async def test_a_reading_at_monday_midnight_opens_the_week_in_the_log_reply(world: World) -> None:
    # SimCord starts on Thursday 2026-01-01 00:00 UTC.
    await world.env.advance_time(3.5 * DAY)  # Sunday noon
    await world.alice.slash(world.channel, "log", followers=900, following=100)
    await world.env.advance_time(0.5 * DAY)  # Monday 00:00 exactly: the new week's first
    await world.alice.slash(world.channel, "log", followers=1000, following=100)
    await world.env.advance_time(DAY)
    result = await world.alice.slash(world.channel, "log", followers=1100, following=100)
    assert fields(result)["This week"].startswith("**+200** followers (+22.2%)")
