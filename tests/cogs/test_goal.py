"""/goal and the progress /net shows, end to end through SimCord and a real SQLite file."""

from __future__ import annotations

from tests.conftest import World
from tests.support.db import query
from tests.support.simulated import take_user_errors

DAY = 86_400


def fields(result) -> dict[str, str]:
    embed = result.response.embeds[0]
    return {field.name: field.value for field in embed.fields}


async def test_set_a_goal_and_see_progress_and_an_estimate_in_net(world: World) -> None:
    # SimCord's clock starts on Thursday 1 Jan 2026, 00:00 UTC.
    await world.alice.slash(world.channel, "log", followers=1_000, following=100)
    done = await world.alice.slash(world.channel, "goal", followers=2_000)
    assert done.ephemeral
    assert "Goal set: **2,000 TikTok followers**. You have 1,000 (50%)." in done.response.content
    assert query(world.db_path, "SELECT platform, followers FROM goals") == [("tiktok", 2_000)]

    net = fields(await world.alice.slash(world.channel, "net"))
    goal = net["Goal · 2,000 TikTok followers"]
    assert goal.startswith("█████░░░░░ **50%** · 1,000 of 2,000 followers")
    assert "needs 3 readings over at least 7 days" in goal
    assert "2 more readings and a reading on or after Thu 8 Jan 2026" in goal

    for followers in (1_040, 1_100):  # days 4 and 8: +100 over 8 days, 12.5 a day
        await world.env.advance_time(4 * DAY)
        await world.alice.slash(world.channel, "log", followers=followers, following=100)
    goal = fields(await world.alice.slash(world.channel, "net"))["Goal · 2,000 TikTok followers"]
    # 900 to go at 12.5 a day: 72 days after Fri 9 Jan = Sun 22 Mar 2026. The only week with
    # a growth figure ran at the same pace, so there is no range to show.
    assert "**Around Sun 22 Mar 2026** (estimate), at about +12 followers a day" in goal
    # Never stored as a reading.
    assert query(world.db_path, "SELECT count(*) FROM readings") == [(3,)]


async def test_a_goal_already_reached_is_refused_and_clear_removes_it(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=6_200, following=100)
    refused = await world.alice.slash(world.channel, "goal", followers=5_000)
    assert refused.ephemeral
    assert "You already have 6,200 TikTok followers" in refused.response.content
    assert "`/goal followers:7000`" in refused.response.content
    assert take_user_errors(world.env) == [refused.response.content]
    assert query(world.db_path, "SELECT count(*) FROM goals") == [(0,)]

    await world.alice.slash(world.channel, "goal", followers=10_000)
    await world.alice.slash(world.channel, "goal", followers=20_000, platform="instagram")
    listed = await world.alice.slash(world.channel, "goal")
    assert "• Instagram: **20,000** followers" in listed.response.content
    assert "• TikTok: **10,000** followers" in listed.response.content
    cleared = await world.alice.slash(world.channel, "goal", clear=True, platform="tiktok")
    assert cleared.response.content == "Removed your goal: 10,000 TikTok followers."
    assert query(world.db_path, "SELECT platform FROM goals") == [("instagram",)]
    nothing = await world.alice.slash(world.channel, "goal", clear=True, platform="tiktok")
    assert "You have no goal on TikTok to remove" in nothing.response.content
    take_user_errors(world.env)


async def test_a_member_who_only_loses_is_told_not_at_the_current_pace(world: World) -> None:
    for followers in (3_000, 2_950, 2_900):
        await world.alice.slash(world.channel, "log", followers=followers, following=100)
        await world.env.advance_time(4 * DAY)
    await world.alice.slash(world.channel, "goal", followers=5_000)
    goal = fields(await world.alice.slash(world.channel, "net"))["Goal · 5,000 TikTok followers"]
    assert "Not at the current pace" in goal
    assert "Around" not in goal


async def test_someone_elses_goal_names_the_zone_of_its_dates(world: World) -> None:
    await world.alice.slash(world.channel, "me", timezone="Asia/Tokyo")
    for followers in (1_000, 1_050, 1_100):
        await world.alice.slash(world.channel, "log", followers=followers, following=100)
        await world.env.advance_time(4 * DAY)
    await world.alice.slash(world.channel, "goal", followers=2_000)
    theirs = fields(await world.bob.slash(world.channel, "net", member=world.alice))
    assert "** (Asia/Tokyo) (estimate" in theirs["Goal · 2,000 TikTok followers"]


async def test_a_drop_gets_a_note_and_a_purge_does_not_slow_a_goals_pace(world: World) -> None:
    carol = world.guild.add_member(world.env.create_user("carol"))
    members = (world.alice, world.bob, carol)
    for member in members:
        await member.slash(world.channel, "log", followers=1_000, following=10)
    await world.alice.slash(world.channel, "goal", followers=2_000)
    await world.env.advance_time(3 * DAY)
    # Sunday 4 Jan: all three lose 10% within the hour, a platform-wide purge.
    for member in members:
        dropped = await member.slash(world.channel, "log", followers=900, following=10)
        assert "Followers fell **−100** (−10.0%)" in fields(dropped)["⚠️ Drop"]
    await world.env.advance_time(5 * DAY)
    await world.alice.slash(world.channel, "log", followers=950, following=10)
    goal = fields(await world.alice.slash(world.channel, "net"))["Goal · 2,000 TikTok followers"]
    # Without the purge's 100 she is up 50 in 8 days: a pace, not "not at the current pace".
    assert "Not at the current pace" not in goal
    assert "at about +6 followers a day" in goal


async def test_a_backfilled_reading_counts_by_its_date(world: World) -> None:
    # Logged out of order: today's reading first, then two backfills of the days before.
    await world.env.advance_time(9 * DAY)  # Saturday 10 Jan 2026
    await world.alice.slash(world.channel, "log", followers=1_100, following=10)
    await world.alice.slash(world.channel, "goal", followers=2_000)
    await world.alice.slash(world.channel, "log", followers=1_000, following=10, date="2026-01-02")
    await world.alice.slash(world.channel, "log", followers=1_050, following=10, date="2026-01-06")
    goal = fields(await world.alice.slash(world.channel, "net"))["Goal · 2,000 TikTok followers"]
    # +100 from Fri 2 Jan noon to Sat 10 Jan 00:00 (7.5 days): about 13 a day.
    assert "at about +13 followers a day" in goal
