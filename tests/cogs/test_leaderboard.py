"""/leaderboard end to end through SimCord: who is ranked, in what order, and who is not."""

from __future__ import annotations

from tests.conftest import World

DAY = 86_400


async def test_growth_percent_by_default_with_unranked_members_listed_apart(world: World) -> None:
    carol = world.guild.add_member(world.env.create_user("carol"))
    await world.alice.slash(world.channel, "log", followers=100_000, following=10)
    await world.bob.slash(world.channel, "log", followers=200, following=10)
    await world.env.advance_time(DAY)
    await world.alice.slash(world.channel, "log", followers=102_000, following=10)
    await world.bob.slash(world.channel, "log", followers=260, following=10)
    await carol.slash(world.channel, "log", followers=5_000, following=10)  # a first reading

    result = await carol.slash(world.channel, "leaderboard")
    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Leaderboard · growth % · this week"
    lines = embed.description.splitlines()
    assert lines[0] == "**1.** bob · **+30.0%** (+60)"
    assert lines[1] == "**2.** alice · **+2.0%** (+2,000)"
    assert "You: not ranked yet" in embed.description
    [unranked] = embed.fields
    assert unranked.name.startswith("Not ranked: no reading in this period")
    assert unranked.value == "carol"
    assert "period in UTC time" in embed.footer.text


async def test_someone_who_never_logged_here_is_not_on_another_servers_board(
    world: World,
) -> None:
    other = world.env.create_guild(name="Elsewhere")
    channel = other.create_text_channel("general")
    dana = other.add_member(world.env.create_user("dana"))
    await dana.slash(channel, "log", followers=10, following=1)
    await world.env.advance_time(DAY)
    await dana.slash(channel, "log", followers=900, following=1)
    await world.alice.slash(world.channel, "log", followers=100, following=1)
    await world.env.advance_time(DAY)
    await world.alice.slash(world.channel, "log", followers=110, following=1)

    here = (await world.alice.slash(world.channel, "leaderboard")).response.embeds[0]
    assert "dana" not in here.description and not here.fields
    assert here.description.splitlines()[0] == "**1.** alice · **+10.0%** (+10) ← you"
    consistency = await world.bob.slash(world.channel, "leaderboard", by="consistency")
    assert "You are not on it yet" in consistency.response.embeds[0].description
