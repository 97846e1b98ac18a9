"""/net and /history: both meanings of net followers, who may see whose numbers."""

from __future__ import annotations

from tests.conftest import World
from tests.support.simulated import take_user_errors

DAY = 86_400


def fields(result) -> dict[str, str]:
    return {field.name: field.value for field in result.response.embeds[0].fields}


async def test_log_then_net_shows_900(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1200, following=300)
    result = await world.alice.slash(world.channel, "net")

    assert not result.ephemeral
    shown = fields(result)
    assert shown["Net followers (followers − following)"] == ("**900** = 1,200 − 300 · ratio 4.0×")
    assert "Net growth this week" in shown
    assert "Last weeks at a glance" in shown


async def test_net_growth_over_a_period_with_weeks_at_a_glance(world: World) -> None:
    await world.env.advance_time(3600)  # off the 2026-01-01 00:00 month boundary
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    for followers in (1100, 1250):
        await world.env.advance_time(7 * DAY)
        await world.alice.slash(world.channel, "log", followers=followers, following=300)

    month = fields(await world.alice.slash(world.channel, "net", period="month"))
    assert month["Net growth this month"].startswith(
        "**+250** followers (+25.0%) since your first log"
    )
    assert "1,000 → 1,250 · net followers +250" in month["Net growth this month"]
    *weeks, zone = month["Last weeks at a glance"].splitlines()
    assert weeks[0] == "12–18 Jan (so far): **+150** (+13.6%)"
    assert weeks[1] == "5–11 Jan: **+100** (+10.0%)"
    # The week of the first log opens the list: earlier, empty weeks are left out.
    assert weeks[2] == "29 Dec 2025 – 4 Jan 2026: first reading"
    assert len(weeks) == 3
    assert zone == "_Weeks run Monday to Sunday, UTC time._"

    week = fields(await world.alice.slash(world.channel, "net"))
    assert week["Net growth this week"].startswith(
        "**+150** followers (+13.6%) since Mon 12 Jan 2026"
    )


async def test_net_for_another_member_of_this_server(world: World) -> None:
    await world.bob.slash(world.channel, "log", followers=640, following=40)
    result = await world.alice.slash(world.channel, "net", member=world.bob)
    assert result.response.embeds[0].author.name == "bob"
    assert "**600** = 640 − 40" in fields(result)["Net followers (followers − following)"]


async def test_net_for_a_member_with_no_readings_here_is_refused(world: World) -> None:
    result = await world.alice.slash(world.channel, "net", member=world.bob)
    assert result.ephemeral
    assert "has no readings in this server yet" in result.response.content
    assert len(take_user_errors(world.env)) == 1


async def test_one_server_never_sees_numbers_logged_only_in_another(world: World) -> None:
    other = world.env.create_guild(name="Elsewhere")
    lounge = other.create_text_channel("lounge")
    bob_there = other.add_member(world.bob.user)
    await bob_there.slash(lounge, "log", followers=640, following=40)

    result = await world.alice.slash(world.channel, "net", member=world.bob)
    assert result.ephemeral
    assert "640" not in result.response.content
    take_user_errors(world.env)


async def test_net_before_any_log_says_how_to_start(world: World) -> None:
    result = await world.alice.slash(world.channel, "net")
    assert result.ephemeral
    assert "/log followers 1200 following 300" in result.response.content
    take_user_errors(world.env)


async def test_net_for_a_platform_without_readings(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1200, following=300)
    result = await world.alice.slash(world.channel, "net", platform="youtube")
    assert result.ephemeral
    assert "no YouTube readings yet" in result.response.content
    take_user_errors(world.env)


async def test_history_lists_readings_newest_first_with_changes(world: World) -> None:
    for followers in (1000, 1040, 1100):
        await world.alice.slash(world.channel, "log", followers=followers, following=300)
        await world.env.advance_time(DAY)
    result = await world.alice.slash(world.channel, "history", period="all")

    embed = result.response.embeds[0]
    assert embed.title == "History · TikTok · all time"
    rows = embed.description.splitlines()
    assert len(rows) == 3
    assert "**1,100** (+60) · following 300 · net 800" in rows[0]
    assert "**1,000** · following 300 · net 700" in rows[2]
    assert fields(result)["Net growth"].startswith("**+100** followers (+10.0%)")


async def test_history_says_when_it_shows_only_the_latest_rows(world: World) -> None:
    for day in range(25):
        await world.alice.slash(world.channel, "log", followers=1000 + day, following=300)
        await world.env.advance_time(DAY // 2)
    result = await world.alice.slash(world.channel, "history", period="all")
    embed = result.response.embeds[0]
    assert len(embed.description.splitlines()) == 20
    assert "showing the latest 20 of 25 readings" in embed.footer.text


async def test_undo_shows_the_reading_and_removes_it_on_confirm(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    await world.alice.slash(world.channel, "log", followers=1010, following=300)
    result = await world.alice.slash(world.channel, "undo")

    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Remove this reading?"
    assert {f.name: f.value for f in embed.fields}["Followers"] == "1,010"
    assert world.readings() == 2

    pressed = await world.alice.click(result.response.message, label="Remove it")
    assert world.readings() == 1
    assert pressed.response.content.startswith("Removed your TikTok reading of 1,010 followers")


async def test_undo_keep_removes_nothing(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    result = await world.alice.slash(world.channel, "undo")
    pressed = await world.alice.click(result.response.message, label="Keep it")
    assert pressed.response.content == "Kept: nothing was removed."
    assert world.readings() == 1


async def test_undo_with_nothing_to_undo(world: World) -> None:
    result = await world.alice.slash(world.channel, "undo")
    assert result.ephemeral
    assert "no readings to undo" in result.response.content
    take_user_errors(world.env)
